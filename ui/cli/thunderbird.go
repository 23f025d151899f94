package cli

import (
	"fmt"

	"mailsetup/export"
	"mailsetup/profiles"
)

const tbInstallUsage = "[--profile DIR] [--name \"Display Name\"] [--protocol imap|pop3] [--incoming URL] [--outgoing URL] [--username U] ADDRESS"

func init() {
	Register(Command{
		Name:    "thunderbird-install",
		Summary: "add the account to your Thunderbird profile (Thunderbird must be closed)",
		Usage:   tbInstallUsage,
		Run:     command(parseThunderbirdInstall, runThunderbirdInstall),
	})
}

// tbInstallOptions are thunderbird-install's parsed arguments.
type tbInstallOptions struct {
	// Profile is the profile folder; "" means the default profile.
	Profile string
	Account export.Account
	Find    findOptions
}

func parseThunderbirdInstall(args []string) (*tbInstallOptions, error) {
	o := &tbInstallOptions{}
	fs := newFlags("thunderbird-install")
	fs.StringVar(&o.Profile, "profile", "", "Thunderbird profile folder (default: the default profile from profiles.ini)")
	fs.StringVar(&o.Account.DisplayName, "name", "", "display name put in sent mail")
	proto := fs.String("protocol", "", "incoming protocol: imap or pop3 (default: the recommended one)")
	var f findFlags
	f.register(fs, true)
	var err error
	if o.Account.Address, o.Find, err = parseAddressCommand(fs, &f, args); err != nil {
		return nil, err
	}
	if o.Account.Incoming, err = parseProtocolFlag(*proto); err != nil {
		return nil, err
	}
	return o, nil
}

func runThunderbirdInstall(env *Env, o *tbInstallOptions) error {
	dir := o.Profile
	if dir == "" {
		var err error
		if dir, err = export.FindProfile(); err != nil {
			return err
		}
	}
	cfg, err := findConfig(env.context(), env, o.Account.Address, o.Find)
	if err != nil {
		return err
	}
	printNotices(env.Stderr, cfg, typedServers(o.Find))
	res, err := export.InstallThunderbird(dir, cfg, o.Account)
	if err != nil {
		return err
	}
	addr := o.Account.Address
	if res.AlreadyPresent {
		fmt.Fprintf(env.Stdout, "Thunderbird already has %s in %s (%s); nothing was changed.\n", addr, res.Profile, res.Account)
		return nil
	}
	fmt.Fprintf(env.Stdout, "Added %s to the Thunderbird profile %s as %s.\n", addr, res.Profile, res.Account)
	if cfg.Trust == profiles.TrustConfirm {
		fmt.Fprintf(env.Stdout, "These settings were not confirmed by a secure source (found by %s, from %s): check them before Thunderbird sends the password.\n", sourceName(cfg), trustDomain(cfg))
	}
	if res.Backup != "" {
		fmt.Fprintf(env.Stdout, "The previous prefs.js was saved as %s.\n", res.Backup)
	}
	fmt.Fprintln(env.Stdout, "Start Thunderbird: it asks for the password the first time it connects.")
	return nil
}
