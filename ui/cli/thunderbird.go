package cli

import (
	"fmt"

	"mailsetup/export"
)

const tbInstallUsage = "[--profile DIR] [--name \"Display Name\"] [--protocol imap|pop3] [--incoming URL] [--outgoing URL] [--username U] ADDRESS"

func init() {
	Register(Command{
		Name:    "thunderbird-install",
		Summary: "add the account to your Thunderbird profile (Thunderbird must be closed)",
		Usage:   tbInstallUsage,
		Run:     runThunderbirdInstall,
	})
}

func runThunderbirdInstall(env *Env, args []string) int {
	fs := newFlags(env, "thunderbird-install", tbInstallUsage)
	profile := fs.String("profile", "", "Thunderbird profile folder (default: the default profile from profiles.ini)")
	name := fs.String("name", "", "display name put in sent mail")
	proto := fs.String("protocol", "", "incoming protocol: imap or pop3 (default: the recommended one)")
	var d discoveryFlags
	d.register(fs)
	var o overrideFlags
	o.register(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return ExitUsage
	}
	addr, err := parseAddressArg(pos)
	if err != nil {
		return fail(env, "%v", err)
	}
	acct := export.Account{Address: addr, DisplayName: *name}
	if acct.Incoming, err = parseProtocolFlag(*proto); err != nil {
		return fail(env, "%v", err)
	}
	dir := *profile
	if dir == "" {
		dir, err = export.FindProfile()
		if err != nil {
			fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
			return ExitFailed
		}
	}
	cfg, err := resolveConfig(env.context(), addr, &d, &o)
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	res, err := export.InstallThunderbird(dir, cfg, acct)
	if err != nil {
		fmt.Fprintln(env.Stderr, "mailsetup: "+err.Error())
		return ExitFailed
	}
	if res.AlreadyPresent {
		fmt.Fprintf(env.Stdout, "Thunderbird already has %s in %s (%s); nothing was changed.\n", addr, res.Profile, res.Account)
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "Added %s to the Thunderbird profile %s as %s.\n", addr, res.Profile, res.Account)
	if res.Backup != "" {
		fmt.Fprintf(env.Stdout, "The previous prefs.js was saved as %s.\n", res.Backup)
	}
	fmt.Fprintln(env.Stdout, "Start Thunderbird: it asks for the password the first time it connects.")
	return ExitOK
}
