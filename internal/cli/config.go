package cli

import (
	"flag"
	"fmt"

	"fullqa/internal/config"
)

func runConfig(args []string, env Env) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "", "YAML config file to load over the defaults")
	if _, err := parseInterspersed(fs, args); err != nil {
		return ExitUsage
	}
	cfg, err := config.Load(*path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitUsage
	}
	out, err := cfg.YAML()
	if err != nil {
		fmt.Fprintf(env.Stderr, "fullqa: %v\n", err)
		return ExitError
	}
	if *path == "" {
		fmt.Fprintln(env.Stdout, "# effective fullqa configuration: the built-in defaults")
	} else {
		fmt.Fprintf(env.Stdout, "# effective fullqa configuration: the defaults with %s over them\n", *path)
	}
	env.Stdout.Write(out)
	return ExitOK
}
