"""``podcast check``: the published show, fetched as podcast apps and platforms fetch it."""
