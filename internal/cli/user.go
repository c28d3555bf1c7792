package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"fullqa/internal/store"
)

// runUser implements `fullqa user add|revoke|list`, run on the server's
// machine against its data directory (the server may be running: SQLite
// lets both write, one after the other).
func runUser(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "revoke" && args[0] != "list" && args[0] != "password") {
		fmt.Fprintln(env.Stderr, "usage: fullqa user add NAME --role admin|qa|vendor [--vendor V] [--password P | --password-stdin] | password NAME [--password P | --password-stdin] | revoke NAME | list  [--config F] [--data-dir D]")
		return ExitUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "YAML config file (serve.data_dir)")
	dataDir := fs.String("data-dir", "", "data directory (default from config: ./fullqa-data)")
	role := fs.String("role", "", "admin (also manages users), qa (sees all, reviews) or vendor (sees its vendor only)")
	vendor := fs.String("vendor", "", "the vendor a vendor user is restricted to")
	password := fs.String("password", "", "dashboard sign-in password (visible in the process list: prefer --password-stdin)")
	passwordStdin := fs.Bool("password-stdin", false, "read the dashboard password from the first line of stdin")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return ExitUsage
	}
	if (sub == "list") != (len(pos) == 0) || len(pos) > 1 {
		fmt.Fprintf(env.Stderr, "fullqa user %s: want exactly one NAME\n", sub)
		return ExitUsage
	}
	pw, err := readPassword(sub, *password, *passwordStdin, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa user %s: %v\n", sub, err)
		return ExitUsage
	}
	st, _, code := openServeStore(ctx, *path, *dataDir, env, "fullqa user")
	if st == nil {
		return code
	}
	defer st.Close()
	switch sub {
	case "add":
		u, tok, err := st.AddUser(ctx, pos[0], *role, *vendor, time.Now())
		if errors.Is(err, store.ErrExists) {
			fmt.Fprintf(env.Stderr, "fullqa user add: user %q: %v (to give it a dashboard password: fullqa user password %s --password-stdin)\n",
				pos[0], store.ErrExists, pos[0])
			return ExitUsage
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa user add: %v\n", err)
			return ExitUsage
		}
		if pw != "" {
			if err := st.SetPassword(ctx, u.Name, pw, time.Now()); err != nil {
				fmt.Fprintf(env.Stderr, "fullqa user add: %v (the user exists without a password: set one with fullqa user password %s)\n", err, u.Name)
				return ExitUsage
			}
			fmt.Fprintf(env.Stderr, "user %s can sign in to the dashboard with the password given\n", u.Name)
		}
		fmt.Fprintf(env.Stderr, "user %s (%s%s) created; its API token is below, shown this once only:\n", u.Name, u.Role, vendorNote(u.Vendor))
		fmt.Fprintln(env.Stdout, tok)
	case "password":
		if err := st.SetPassword(ctx, pos[0], pw, time.Now()); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa user password: %v\n", err)
			return ExitUsage
		}
		fmt.Fprintf(env.Stderr, "password of %s set; its dashboard sessions were signed out\n", pos[0])
	case "revoke":
		if err := st.RevokeUser(ctx, pos[0], time.Now()); err != nil {
			fmt.Fprintf(env.Stderr, "fullqa user revoke: %v\n", err)
			return ExitError
		}
		fmt.Fprintf(env.Stderr, "user %s revoked: its tokens no longer work\n", pos[0])
	case "list":
		us, err := st.ListUsers(ctx)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fullqa user list: %v\n", err)
			return ExitError
		}
		for _, u := range us {
			state := "active"
			if !u.RevokedAt.IsZero() {
				state = "revoked " + u.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Vendor, state)
		}
	}
	return ExitOK
}

func vendorNote(v string) string {
	if v == "" {
		return ""
	}
	return ", vendor " + v
}

// readPassword takes the dashboard password from --password or the first
// line of stdin (--password-stdin); `user password` without either asks
// for it twice when stdin is a terminal.
func readPassword(sub, flagValue string, fromStdin bool, env Env) (string, error) {
	switch {
	case flagValue != "" && fromStdin:
		return "", errors.New("give --password or --password-stdin, not both")
	case fromStdin:
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return "", errors.New("--password-stdin: stdin is empty")
		}
		return line, nil
	case flagValue == "" && sub == "password":
		if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return promptPassword(f, env)
		}
		return "", errors.New("give the new password with --password-stdin (or --password)")
	case flagValue != "" && sub != "add" && sub != "password":
		return "", errors.New("--password is only for user add and user password")
	}
	return flagValue, nil
}

// promptPassword reads a password twice from a terminal without echo.
func promptPassword(f *os.File, env Env) (string, error) {
	var got [2]string
	for i, q := range []string{"new dashboard password: ", "again: "} {
		fmt.Fprint(env.Stderr, q)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		got[i] = string(b)
	}
	if got[0] != got[1] {
		return "", errors.New("the passwords differ")
	}
	return got[0], nil
}
