// Which Podcasting 2.0 phases podcast-partytime (the Podcast Index parser) finds in a feed.
// npm install --prefix /tmp/pt podcast-partytime && NODE_PATH=/tmp/pt/node_modules node tools/pc20support.js feed/feed.xml
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");
const xml = fs.readFileSync(process.argv[2], "utf8");
const feed = parseFeed(xml);
console.log(JSON.stringify({ pc20support: feed.pc20support, title: feed.title, guid: feed.guid, medium: feed.medium, items: feed.items.length, locked: feed.locked }, null, 1));
const item = feed.items.find(i => i.podcastLocation) || feed.items[0];
console.log("item location:", JSON.stringify(item.podcastLocation || null), "soundbites:", (item.podcastSoundbites||[]).length, "transcripts:", (item.podcastTranscripts||[]).length, "persons:", (item.podcastPeople||[]).length);
