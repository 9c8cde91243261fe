"""check-ics.py FILE...: parses each iCalendar file with Python's icalendar
and prints one line per VEVENT, "event<TAB>icalendar<TAB>file<TAB>uid<TAB>
start<TAB>end" in UTC. Exits non-zero on a parse error, or on any error the
parser noted and went on, in any file. Used by scripts/check-ics."""
import datetime
import sys

import icalendar


def utc(prop):
    if prop is None:
        return "-"
    dt = prop.dt
    if not isinstance(dt, datetime.datetime) or dt.tzinfo is None:
        raise ValueError("%r is not a date-time with a zone" % (dt,))
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(files):
    version = "icalendar " + icalendar.__version__
    status = 0
    print("parser\t" + version)
    for name in files:
        try:
            with open(name, "rb") as f:
                cal = icalendar.Calendar.from_ical(f.read())
            for comp in cal.walk():
                if getattr(comp, "errors", None):
                    raise ValueError("%s: %s" % (comp.name, comp.errors))
            for ev in cal.walk("VEVENT"):
                print("\t".join(["event", version, name, str(ev["UID"]),
                                 utc(ev.get("DTSTART")), utc(ev.get("DTEND"))]))
        except Exception as e:  # any failure is the file's
            print("%s: %s: %s" % (name, version, e), file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
