package inmail_test

import (
	"testing"

	"focalbot/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
