// Command floor is the smallest Slack bot built from focalbot's own
// libraries: slack-go answering the HTTP Events API (signed requests,
// url_verification, a reply to every direct message through
// chat.postMessage, as bench/bolt does), a GORM roster of people on the
// same embedded SQLite driver, robfig/cron ticking every minute, an outbox
// read every 15 seconds, Prometheus' default metrics, and go-ical linked in
// for the invitations. None of focalbot's own code is in it.
//
// It measures the floor under focalbot's idle memory (issue 12, target 4):
// what these libraries and the Go runtime cost before any of the product's
// work. bench/slackpeer.sh runs it beside focalbot and Bolt when FLOOR=1.
//
//	PORT=9902 SLACK_SIGNING_SECRET=… SLACK_API_URL=http://127.0.0.1:9901/api/ DB=floor.db PEOPLE=10000 floor
//
// With SEED_ONLY=1 it writes the roster of PEOPLE people into DB and exits.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/emersion/go-ical"
	"github.com/ncruces/go-sqlite3/gormlite"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/robfig/cron/v3"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Person is a roster row.
type Person struct {
	ID      int64
	Name    string
	Country string
	Email   string `gorm:"uniqueIndex"`
	SlackID string `gorm:"index"`
}

// Message is an outbox row.
type Message struct {
	ID     int64
	To     string
	Body   string
	DueAt  time.Time `gorm:"index"`
	SentAt *time.Time
}

func main() {
	secret := os.Getenv("SLACK_SIGNING_SECRET")
	people, _ := strconv.Atoi(os.Getenv("PEOPLE"))
	db, err := gorm.Open(gormlite.Open(os.Getenv("DB")), &gorm.Config{Logger: logger.Discard, PrepareStmt: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.AutoMigrate(&Person{}, &Message{}); err != nil {
		log.Fatal(err)
	}
	var n int64
	db.Model(&Person{}).Count(&n)
	if int(n) < people {
		rows := make([]Person, 0, people-int(n))
		for i := int(n); i < people; i++ {
			rows = append(rows, Person{Name: fmt.Sprintf("Person %05d", i), Country: "GH", Email: fmt.Sprintf("p%05d@example.org", i)})
		}
		if err := db.CreateInBatches(rows, 500).Error; err != nil {
			log.Fatal(err)
		}
	}
	if os.Getenv("SEED_ONLY") != "" {
		return // the roster is written: a copy of it starts each run
	}
	api := slack.New(os.Getenv("SLACK_BOT_TOKEN"), slack.OptionAPIURL(os.Getenv("SLACK_API_URL")))

	// The idle rounds: the scheduler's minute and the dispatcher's poll.
	c := cron.New()
	if _, err := c.AddFunc("@every 1m", func() {
		var due int64
		db.Model(&Message{}).Where("sent_at IS NULL AND due_at <= ?", time.Now()).Count(&due)
	}); err != nil {
		log.Fatal(err)
	}
	c.Start()
	go func() {
		for range time.Tick(15 * time.Second) {
			var due []Message
			db.Where("sent_at IS NULL AND due_at <= ?", time.Now()).Limit(100).Find(&due)
		}
	}()

	http.Handle("/metrics", promhttp.Handler())
	http.HandleFunc("/calendar.ics", func(w http.ResponseWriter, r *http.Request) {
		cal := ical.NewCalendar()
		cal.Props.SetText(ical.PropVersion, "2.0")
		cal.Props.SetText(ical.PropProductID, "-//floor//EN")
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, "floor@example.org")
		ev.Props.SetDateTime(ical.PropDateTimeStamp, time.Now().UTC())
		cal.Children = append(cal.Children, ev.Component)
		_ = ical.NewEncoder(w).Encode(cal)
	})
	http.HandleFunc("/slack/events", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "cannot read", http.StatusBadRequest)
			return
		}
		sv, err := slack.NewSecretsVerifier(r.Header, secret)
		if err != nil {
			http.Error(w, "unsigned", http.StatusUnauthorized)
			return
		}
		if _, err := sv.Write(body); err != nil || sv.Ensure() != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		ev, err := slackevents.ParseEvent(body, slackevents.OptionNoVerifyToken())
		if err != nil {
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		switch ev.Type {
		case slackevents.URLVerification:
			v, _ := ev.Data.(*slackevents.EventsAPIURLVerificationEvent)
			if v == nil {
				http.Error(w, "bad challenge", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte(v.Challenge))
		case slackevents.CallbackEvent:
			w.WriteHeader(http.StatusOK)
			if m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent); ok && m.ChannelType == "im" {
				go func() {
					var p Person
					db.Where("slack_id = ?", m.User).Limit(1).Find(&p)
					_, _, _ = api.PostMessageContext(context.Background(), m.Channel, slack.MsgOptionText("You said: "+m.Text, false))
				}()
			}
		}
	})
	log.Printf("floor listening on %s", os.Getenv("PORT"))
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil))
}
