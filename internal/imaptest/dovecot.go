//go:build unix

package imaptest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Dovecot is a throwaway Dovecot (dovecot-imapd from Debian): its
// configuration, state and maildir in a temporary directory, listening
// for IMAPS on a free loopback port, stopped when the test ends.
type Dovecot struct {
	dir  string
	Addr string
	Cert *Cert
	out  bytes.Buffer
}

// StartDovecot starts Dovecot, or skips the test where it is not
// installed, unless FOCALBOT_TEST_REQUIRE_DOVECOT=1 (as in CI), where that
// fails.
func StartDovecot(t testing.TB) *Dovecot {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/dovecot"); serr == nil {
			bin, err = "/usr/sbin/dovecot", nil
		}
	}
	if err != nil {
		if os.Getenv("FOCALBOT_TEST_REQUIRE_DOVECOT") == "1" {
			t.Fatal("dovecot is not installed, and FOCALBOT_TEST_REQUIRE_DOVECOT=1 requires it: apt-get install dovecot-imapd")
		}
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd); set FOCALBOT_TEST_REQUIRE_DOVECOT=1 to require it")
	}
	d := &Dovecot{Cert: NewCert(t)}
	// Dovecot's processes run as the mail user, which must reach the
	// maildir: a directory of our own, open to traverse.
	if d.dir, err = os.MkdirTemp("", "focalbot-dovecot-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d.dir) })
	if err := os.Chmod(d.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.Addr = ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(d.Addr)

	// Dovecot refuses uid 0 for mail: as root, mail belongs to nobody.
	uid, gid := os.Getuid(), os.Getgid()
	users := ""
	if uid == 0 {
		uid, gid = 65534, 65534
	} else {
		me, err := user.Current()
		if err != nil {
			t.Fatal(err)
		}
		users = fmt.Sprintf("default_internal_user = %s\ndefault_login_user = %s\n", me.Username, me.Username)
	}
	home := filepath.Join(d.dir, "home")
	for _, dir := range []string{home, filepath.Join(d.dir, "run"), filepath.Join(d.dir, "state")} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(home, uid, gid); err != nil {
		t.Fatal(err)
	}
	// The auth process reads it as Dovecot's own user; a test password.
	if err := os.WriteFile(filepath.Join(d.dir, "passwd"), []byte(User+":{PLAIN}"+Password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(d.dir, "cert.pem"), d.Cert.CertPEM)
	writeFile(t, filepath.Join(d.dir, "key.pem"), d.Cert.KeyPEM)
	conf := filepath.Join(d.dir, "dovecot.conf")
	writeFile(t, conf, fmt.Appendf(nil, `protocols = imap
listen = 127.0.0.1
base_dir = %[1]s/run
state_dir = %[1]s/state
instance_name = focalbot-test-%[2]s
log_path = %[1]s/dovecot.log
%[3]sssl = required
ssl_cert = <%[1]s/cert.pem
ssl_key = <%[1]s/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[4]d gid=%[5]d home=%[1]s/home/%%u
}
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = 1
mail_privileged_group =
service imap-login {
  chroot =
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = %[2]s
    ssl = yes
  }
}
service anvil {
  chroot =
}
`, d.dir, port, users, uid, gid))

	cmd := exec.Command(bin, "-F", "-c", conf)
	cmd.Stdout, cmd.Stderr = &d.out, &d.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dovecot: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// The master stops its children; what is left of our own process
		// group goes after five seconds.
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := imapclient.DialTLS(d.Addr, &imapclient.Options{TLSConfig: d.Cert.Client})
		if err == nil {
			err = c.Login(User, Password).Wait()
			c.Close()
			if err == nil {
				return d
			}
		}
		select {
		case <-exited:
			t.Fatalf("dovecot exited: %s\n%s", d.out.String(), d.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dovecot does not answer on %s: %v\n%s\n%s", d.Addr, err, d.out.String(), d.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log is what Dovecot logged.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return string(b)
}

// Backend is Dovecot as a mail server and a person see it.
func (d *Dovecot) Backend() Backend {
	return Backend{
		URL:      func(mbox string) string { return "imaps://secretariat%40example.org@" + d.Addr + "/" + mbox },
		Addr:     d.Addr,
		Implicit: true,
		TLS:      d.Cert.Client,
		Password: Password,
	}
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
