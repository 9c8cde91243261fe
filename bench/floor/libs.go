//go:build floorlibs

package main

// Built with -tags floorlibs, the floor links every other library focalbot
// links, so that their package inits run, and uses none of them: what they
// cost at idle before focalbot's own code runs. bench/slackpeer.sh runs
// this build as "floorlibs" when FLOOR=2.
import (
	_ "html/template"
	_ "log/slog"
	_ "text/template"

	_ "github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/emersion/go-message/charset"
	_ "github.com/emersion/go-message/mail"
	_ "github.com/emersion/go-msgauth/authres"
	_ "github.com/emersion/go-sasl"
	_ "github.com/emersion/go-smtp"
	_ "github.com/go-gormigrate/gormigrate/v2"
	_ "github.com/go-playground/locales/ar"
	_ "github.com/go-playground/locales/es"
	_ "github.com/go-playground/locales/fr"
	_ "github.com/go-playground/locales/ru"
	_ "github.com/go-playground/locales/zh_Hans"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/joho/godotenv"
	_ "github.com/prometheus/client_golang/prometheus/collectors"
	_ "github.com/slack-go/slack/socketmode"
	_ "github.com/teambition/rrule-go"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/sync/singleflight"
	_ "golang.org/x/text/collate"
	_ "golang.org/x/text/language/display"
	_ "golang.org/x/text/message"
	_ "gorm.io/driver/postgres"
)
