// check-ics.mjs FILE...: parses each iCalendar file with ical.js (the parser
// of Thunderbird), resolving TZIDs with the file's own VTIMEZONEs, and prints
// one line per VEVENT: "event<TAB>ical.js<TAB>file<TAB>uid<TAB>start<TAB>end"
// in UTC. Exits non-zero when a file fails. Used by scripts/check-ics.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const version = JSON.parse(readFileSync(new URL("node_modules/ical.js/package.json", import.meta.url))).version;
const utc = (t) => (t ? t.toJSDate().toISOString().replace(".000Z", "Z") : "-");

console.log(`parser\tical.js ${version}`);
for (const file of process.argv.slice(2)) {
  try {
    const cal = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
    if (cal.name !== "vcalendar") throw new Error(`top component is ${cal.name}`);
    ICAL.TimezoneService.reset();
    for (const vtz of cal.getAllSubcomponents("vtimezone")) {
      ICAL.TimezoneService.register(vtz);
    }
    for (const vevent of cal.getAllSubcomponents("vevent")) {
      const ev = new ICAL.Event(vevent);
      for (const name of ["dtstart", "dtend"]) {
        const tzid = vevent.getFirstProperty(name)?.getParameter("tzid");
        if (tzid && !ICAL.TimezoneService.has(tzid)) {
          throw new Error(`${ev.uid}: ${name} TZID=${tzid} has no VTIMEZONE`);
        }
      }
      const end = vevent.hasProperty("dtend") ? ev.endDate : null;
      console.log(["event", `ical.js ${version}`, file, ev.uid, utc(ev.startDate), utc(end)].join("\t"));
    }
  } catch (e) {
    console.error(`${file}: ical.js ${version}: ${e.message}`);
    process.exitCode = 1;
  }
}
