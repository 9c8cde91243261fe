package storage

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm/logger"
)

// TestQuietLoggerBuildsOnlyWhatItLogs: a quick statement is not logged, and
// its text is not even built; a slow one is logged, failed or not; at
// LogMode(Info) every statement is.
func TestQuietLoggerBuildsOnlyWhatItLogs(t *testing.T) {
	var buf bytes.Buffer
	l := quietLogger{Interface: logger.NewSlogLogger(slog.New(slog.NewTextHandler(&buf, nil)), logger.Config{
		SlowThreshold: slowQuery, LogLevel: logger.Warn, IgnoreRecordNotFoundError: true, ParameterizedQueries: true})}
	built := 0
	fc := func() (string, int64) { built++; return "SELECT 1", 1 }
	l.Trace(context.Background(), time.Now(), fc, nil)
	if built != 0 || buf.Len() != 0 {
		t.Errorf("a quick statement: built %d times, logged %q", built, buf.String())
	}
	l.Trace(context.Background(), time.Now().Add(-2*slowQuery), fc, context.Canceled)
	if built != 1 || !strings.Contains(buf.String(), "SELECT 1") || strings.Contains(buf.String(), "canceled") {
		t.Errorf("a slow statement: built %d times, logged %q; want it logged as slow, without its error", built, buf.String())
	}
	buf.Reset()
	l.LogMode(logger.Info).Trace(context.Background(), time.Now(), fc, nil)
	if !strings.Contains(buf.String(), "SELECT 1") {
		t.Errorf("at Info, a quick statement logged %q", buf.String())
	}
}
