// Parses an iCalendar feed from stdin with ical.js and prints its events as
// JSON: the feed test (meetings_feed_test.go) checks them against values
// worked out by hand. The time zones come only from the feed's VTIMEZONEs.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const text = readFileSync(0, "utf8");
const cal = new ICAL.Component(ICAL.parse(text));
for (const tz of cal.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const out = {
  method: cal.getFirstPropertyValue("method"),
  version: cal.getFirstPropertyValue("version"),
  timezones: cal.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")),
  events: cal.getAllSubcomponents("vevent").map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      status: v.getFirstPropertyValue("status"),
      summary: e.summary,
      location: e.location || "",
      tzid: e.startDate.zone ? e.startDate.zone.tzid : "",
      local: e.startDate.toString(),
      utc: e.startDate.toJSDate().toISOString(),
      end_utc: e.endDate.toJSDate().toISOString(),
    };
  }),
};
process.stdout.write(JSON.stringify(out));
