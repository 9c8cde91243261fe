package scheduler

import (
	"context"
	"fmt"
	"strings"
	"time"

	"focalbot/delivery"
	"focalbot/i18n"
	"focalbot/model"
	"focalbot/network"
)

// Polls closes polls by the network's rule; *network.Service is one.
type Polls interface {
	ClosePoll(ctx context.Context, c network.Caller, id int64, notice func(r network.Ranking, reader model.Person) string) (network.Ranking, error)
}

// polls closes the availability polls whose deadline has passed and tells
// the secretariat which slot ranks first, in the same transaction.
func (s *Scheduler) polls(ctx context.Context, now time.Time) error {
	due, err := s.Store.PollsDue(ctx, now)
	if err != nil || len(due) == 0 {
		return err
	}
	if s.Polls == nil {
		return fmt.Errorf("close %d polls due: the scheduler has no Polls to close them with", len(due))
	}
	for _, p := range due {
		_, err := s.Polls.ClosePoll(ctx, network.System, p.ID, pollSummary)
		if err != nil && model.ErrorCode(err) != model.ECONFLICT { // another replica closed it first
			return fmt.Errorf("close poll %d: %w", p.ID, err)
		}
	}
	return nil
}

// pollSummary says how a closed poll ranks its slots, to reader in their
// language.
func pollSummary(r network.Ranking, reader model.Person) string {
	var b strings.Builder
	lang := i18n.Reader(reader.Language)
	b.WriteString(sprintfFor(reader, msgPollClosed, r.Poll.ID, r.Poll.Title, r.Answers))
	r.Render(func(format string, args ...any) {
		b.WriteString(sprintfFor(reader, format, args...))
		b.WriteByte('\n')
	}, func(sl model.Slot) string {
		loc := sl.Location()
		return delivery.SpanIn(lang, sl.Start.In(loc), sl.End.In(loc))
	}, func(codes []string) string { return i18n.CountryNames(lang, codes) })
	return strings.TrimSuffix(b.String(), "\n")
}
