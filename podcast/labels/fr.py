"""French: the quotation marks and the words of the feed notes, cards, slides, clips and
quote listings; the pages' controls (subscribe, copy, filters, …) fall back to English."""

from __future__ import annotations

from types import MappingProxyType

NBSP = "\u00a0"  # French sets a (non-breaking) space inside « » and before : ; ? !

TABLE = MappingProxyType(
    {
        "quote_marks": ("«" + NBSP, NBSP + "»"),
        "episodes": "Épisodes",
        "latest_episodes": "Derniers épisodes",
        "all_episodes": "Tous les épisodes",
        "seasons": "Saisons",
        "season": "Saison",
        "episode_number": "Épisode {n}",
        "episode_count": "{n} épisodes",
        "episode_count_one": "1 épisode",
        "chapters": "Chapitres",
        "guests": "Invités",
        "hosts": "Animé par",
        "quotes": "Citations",
        "all_quotes": "Toutes les citations",
        "quote_count": "{n} citations",
        "quote_count_one": "1 citation",
        "card": f"Carte de citation{NBSP}: {{text}} – {{speaker}}",
        "listen_at": "Écouter à partir de {time}",
        "takeaways": "Points clés",
        "show_notes": "Notes de l’épisode",
        "transcript": "Transcription",
        "download_transcript": "Transcription ({format})",
        "download_chapters": "Chapitres (JSON)",
        "minutes": "{n} min",
        "notes_takeaways": "À retenir",
        "on_website": "L’épisode sur le site web",
        "with_guests": "avec {names}",
        "and": "et",
        "takeaways_season": f"Points clés, saison {{n}}{NBSP}: {{title}}",
        "takeaways_season_named": f"Points clés{NBSP}: {{title}}",
        "takeaways_episode": f"Points clés, épisode {{n}}{NBSP}: {{title}}",
        "takeaways_episode_named": f"Points clés{NBSP}: {{title}}",
        "from_time": "à partir de {time}",
        "tags": "Mots-clés",
        "column_episode": "Épisode",
        "column_speaker": "Intervenant·e",
        "column_time": "Temps",
        "column_quote": "Citation",
        "months": (
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        "date": "{day} {month} {year}",
        "decimal": ",",
        "size_mb": f"{{n}}{NBSP}Mo",
    }
)
