/* check-ics.c FILE...: parses each iCalendar file with libical (the library
 * of Evolution), runs its iTIP restriction checks for the calendar's METHOD,
 * fails on any X-LIC-ERROR it adds, and prints one line per VEVENT,
 * "event<TAB>libical<TAB>file<TAB>uid<TAB>start<TAB>end" in UTC, resolving
 * TZIDs with the file's own VTIMEZONEs. Used by scripts/check-ics. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static char *slurp(const char *name) {
	FILE *f = fopen(name, "rb");
	if (!f) return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc(n + 1);
	if (fread(buf, 1, n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int errors(icalcomponent *c, const char *file) {
	int n = 0;
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		fprintf(stderr, "%s: libical: %s: %s\n", file,
			icalcomponent_kind_to_string(icalcomponent_isa(c)), icalproperty_get_xlicerror(p));
		n++;
	}
	for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += errors(k, file);
	return n;
}

/* utc formats a DTSTART/DTEND of ev, resolved by libical, in UTC. */
static void utc(icalcomponent *ev, icalproperty_kind kind, char *out, size_t size) {
	icalproperty *p = icalcomponent_get_first_property(ev, kind);
	if (!p) { snprintf(out, size, "-"); return; }
	struct icaltimetype t = kind == ICAL_DTSTART_PROPERTY ? icalcomponent_get_dtstart(ev) : icalcomponent_get_dtend(ev);
	if (icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) && !t.zone) {
		snprintf(out, size, "unresolved-TZID");
		return;
	}
	time_t s = icaltime_as_timet_with_zone(t, t.zone);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", gmtime(&s));
}

int main(int argc, char **argv) {
	int status = 0;
	printf("parser\tlibical %d.%d.%d\n", ICAL_MAJOR_VERSION, ICAL_MINOR_VERSION, ICAL_PATCH_VERSION);
	for (int i = 1; i < argc; i++) {
		char *text = slurp(argv[i]);
		if (!text) { perror(argv[i]); status = 1; continue; }
		icalcomponent *cal = icalparser_parse_string(text);
		free(text);
		if (!cal || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
			fprintf(stderr, "%s: libical: not a VCALENDAR: %s\n", argv[i], icalerror_strerror(icalerrno));
			status = 1;
			continue;
		}
		icalrestriction_check(cal);
		if (errors(cal, argv[i])) { status = 1; icalcomponent_free(cal); continue; }
		for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
		     ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
			char start[32], end[32];
			utc(ev, ICAL_DTSTART_PROPERTY, start, sizeof start);
			utc(ev, ICAL_DTEND_PROPERTY, end, sizeof end);
			printf("event\tlibical %d.%d.%d\t%s\t%s\t%s\t%s\n", ICAL_MAJOR_VERSION, ICAL_MINOR_VERSION, ICAL_PATCH_VERSION, argv[i], icalcomponent_get_uid(ev), start, end);
		}
		icalcomponent_free(cal);
	}
	return status;
}
