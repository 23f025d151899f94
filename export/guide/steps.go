package guide

import (
	"strconv"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
)

// preKinds are the note kinds that become steps at the provider's web
// settings before the mail program (paths: guide.ui.path.<id>.<kind>).
var preKinds = []profiles.NoteKind{profiles.NoteEnableIMAP, profiles.NoteEnablePOP3, profiles.NoteEnableClients, profiles.NoteAppPassword}

// providerSteps adds the steps that must happen at the provider first,
// driven by the Config's notes.
func (b *builder) providerSteps() {
	for _, kind := range preKinds {
		var note *profiles.Note
		for i := range b.cfg.Notes {
			if b.cfg.Notes[i].Kind == kind {
				note = &b.cfg.Notes[i]
				break
			}
		}
		if note == nil || (kind == profiles.NoteEnableIMAP && b.pop3()) || (kind == profiles.NoteEnablePOP3 && !b.pop3()) {
			continue
		}
		key := "guide.ui.path." + b.cfg.Provider.ID + "." + string(kind)
		if !i18n.Default().Has(i18n.Fallback, key) {
			key = "guide.ui.path.generic." + string(kind)
		}
		path := b.pathOf(key)
		site := note.URL
		if site == "" {
			site = b.cfg.Provider.Webmail
		}
		if site == "" {
			site = b.cfg.Provider.Name
		}
		p := Picture{Platform: PlatformWeb, Title: site, Path: path}
		if kind == profiles.NoteAppPassword {
			p.Fields = []Field{{Label: b.ui("f.appname"), Value: "mailsetup"}}
			p.Buttons = []Button{{Label: b.ui("create"), Highlight: true}}
		} else {
			// The last element is the switch itself: draw it once, as a switch.
			if len(path) > 1 {
				p.Path = path[:len(path)-1]
			}
			p.Checks = []Check{{Label: path[len(path)-1], On: true, Highlight: true}}
			p.Buttons = []Button{{Label: b.ui("save")}}
		}
		b.add("guide.t.pre", "guide.s.pre."+string(kind), map[string]string{"Path": joinPath(path), "URL": note.URL}, p)
	}
}

func joinPath(p []string) string {
	s := ""
	for i, x := range p {
		if i > 0 {
			s += " → "
		}
		s += x
	}
	return s
}

func (b *builder) pathOf(fullKey string) []string {
	return splitPath(i18n.T(b.lang, fullKey, map[string]string{"Address": b.address, "OutHost": b.out.Host}))
}

func (b *builder) uiPath(key string) []string { return b.pathOf("guide.ui.path." + key) }

// serverFields are the usual fields of an incoming or outgoing server.
func (b *builder) serverFields(s profiles.Server, hi bool) []Field {
	return []Field{
		{Label: b.ui("f.server"), Value: s.Host, Highlight: hi},
		{Label: b.ui("f.port"), Value: strconv.Itoa(s.Port), Highlight: hi},
		{Label: b.ui("f.security"), Value: b.sec(s.Security), Highlight: hi},
		{Label: b.ui("f.user"), Value: s.Username, Highlight: hi},
	}
}

func (b *builder) identity(plat Platform, title string, path []string, button string) {
	p := Picture{Platform: plat, Title: title, Path: path, Fields: []Field{
		{Label: b.ui("f.name"), Value: b.name},
		{Label: b.ui("f.email"), Value: b.address, Highlight: true},
		{Label: b.ui("f.password"), Secret: true, Highlight: true},
	}, Buttons: []Button{{Label: button, Highlight: true}}}
	b.add("guide.t.account", "guide.s.account", map[string]string{"Button": button}, p)
}

func (b *builder) open(plat Platform, title string, pathKey string) {
	path := b.uiPath(pathKey)
	app := title
	if plat == PlatformPhone && pathKey == "ios" {
		app = path[0] // "Settings" is where the path starts
	}
	textPath := path
	if len(path) > 1 && path[0] == app {
		textPath = path[1:] // "Open Gmail and go to ≡ → …", not "… go to Gmail → ≡ → …"
	}
	b.add("guide.t.open", "guide.s.open", map[string]string{"Path": joinPath(textPath), "App": app},
		Picture{Platform: plat, Title: title, Path: path})
}

func (b *builder) chooseType(plat Platform, title string, imapLabel, popLabel string, extra []Button) {
	btn := imapLabel
	if b.pop3() {
		btn = popLabel
	}
	buttons := []Button{{Label: imapLabel, Highlight: !b.pop3()}, {Label: popLabel, Highlight: b.pop3()}}
	buttons = append(buttons, extra...)
	b.add("guide.t.type", "guide.s.type", map[string]string{"Button": btn},
		Picture{Platform: plat, Title: title, Buttons: buttons})
}

func (b *builder) incoming(plat Platform, title, button string) {
	b.add("guide.t.incoming", "guide.s.incoming", nil, Picture{Platform: plat, Title: title,
		Fields:  append(b.serverFields(b.in, true), Field{Label: b.ui("f.password"), Secret: true}),
		Buttons: []Button{{Label: button}}})
}

func (b *builder) outgoing(plat Platform, title, authOption, button string) {
	p := Picture{Platform: plat, Title: title, Fields: b.serverFields(b.out, true),
		Checks: []Check{{Label: authOption, On: true, Highlight: true}}, Buttons: []Button{{Label: button}}}
	b.add("guide.t.outgoing", "guide.s.outgoing", map[string]string{"Option": authOption}, p)
}

func (b *builder) finish(plat Platform, title, button string) {
	b.add("guide.t.finish", "guide.s.finish", map[string]string{"Button": button},
		Picture{Platform: plat, Title: title, Fields: []Field{{Label: b.ui("f.email"), Value: b.address}},
			Buttons: []Button{{Label: button, Highlight: true}}})
}

// keepOnServer adds the POP3 step that keeps a copy on the server.
func (b *builder) keepOnServer(plat Platform, pathKey, optionKey string, on bool) {
	if !b.pop3() {
		return
	}
	path, opt := b.uiPath(pathKey), b.ui(optionKey)
	b.add("guide.t.pop3", "guide.s.pop3", map[string]string{"Path": joinPath(path), "Option": opt},
		Picture{Platform: plat, Title: b.address, Path: path, Checks: []Check{{Label: opt, On: on, Highlight: true}},
			Buttons: []Button{{Label: b.ui("ok")}}})
}

func (b *builder) password(plat Platform, title string) {
	b.add("guide.t.password", "guide.s.password", map[string]string{"Option": b.ui("remember")},
		Picture{Platform: plat, Title: title, Fields: []Field{
			{Label: b.ui("f.user"), Value: b.in.Username},
			{Label: b.ui("f.password"), Secret: true, Highlight: true}},
			Checks:  []Check{{Label: b.ui("remember"), On: true, Highlight: true}},
			Buttons: []Button{{Label: b.ui("ok"), Highlight: true}}})
}

func (b *builder) clientSteps() {
	file := b.o.Export == ExportFile
	switch b.o.Client {
	case Outlook:
		b.outlookSteps(file)
	case AppleMail:
		b.appleMailSteps(file)
	case IOS:
		b.iosSteps(file)
	case Android, K9:
		b.androidSteps(file)
	case Thunderbird:
		b.thunderbirdSteps(file)
	case TheBat:
		b.theBatSteps(file)
	}
}

// outlookSteps: classic Outlook on Windows (a .prf to run, or the manual dialogs).
func (b *builder) outlookSteps(file bool) {
	const w = PlatformWindows
	if file {
		b.add("guide.t.file", "guide.s.file.outlook", nil, Picture{Platform: w, Title: b.ui("run"),
			Fields:  []Field{{Label: b.ui("f.open"), Value: `outlook.exe /importprf "` + b.o.File + `"`, Highlight: true}},
			Buttons: []Button{{Label: b.ui("ok"), Highlight: true}, {Label: b.ui("cancel")}}})
		b.password(w, "Outlook")
		return
	}
	b.open(w, "Outlook", "outlook")
	b.add("guide.t.account", "guide.s.outlook.manual", map[string]string{"Option": b.ui("outlook.manual"), "Button": b.ui("connect")},
		Picture{Platform: w, Title: "Outlook", Fields: []Field{{Label: b.ui("f.email"), Value: b.address, Highlight: true}},
			Checks:  []Check{{Label: b.ui("outlook.manual"), On: true, Highlight: true}},
			Buttons: []Button{{Label: b.ui("connect"), Highlight: true}}})
	b.chooseType(w, "Outlook", "IMAP", "POP", []Button{{Label: "Exchange"}})
	b.incoming(w, b.ui("outlook.settings"), b.ui("next"))
	b.outgoing(w, b.ui("outlook.settings"), b.ui("outlook.auth"), b.ui("next"))
	b.password(w, "Outlook")
	b.keepOnServer(w, "outlook.pop3", "outlook.leavecopy", true)
	b.finish(w, "Outlook", b.ui("done"))
}

// appleMailSteps: Mail on a Mac (a .mobileconfig, or the account sheet).
func (b *builder) appleMailSteps(file bool) {
	const m = PlatformMac
	if file {
		path := b.uiPath("applemail.profile")
		b.add("guide.t.file", "guide.s.file.apple", map[string]string{"Path": joinPath(path), "Button": b.ui("install")},
			Picture{Platform: m, Title: b.o.File, Path: path, Buttons: []Button{{Label: b.ui("install"), Highlight: true}}})
		b.password(m, "Mail")
		return
	}
	b.open(m, "Mail", "applemail")
	b.identity(m, "Mail", nil, b.ui("signin"))
	b.add("guide.t.incoming", "guide.s.apple.servers", nil, Picture{Platform: m, Title: "Mail", Fields: []Field{
		{Label: b.ui("f.user"), Value: b.in.Username, Highlight: true},
		{Label: b.ui("apple.type"), Value: protoName(b.in.Protocol), Highlight: true},
		{Label: b.ui("apple.in"), Value: b.in.Host, Highlight: true},
		{Label: b.ui("apple.out"), Value: b.out.Host, Highlight: true}},
		Buttons: []Button{{Label: b.ui("signin"), Highlight: true}}})
	b.advanced(m, "applemail.adv", "apple.auto", "apple.tls")
	b.keepOnServer(m, "applemail.pop3", "apple.remove", false)
}

// iosSteps: Settings → Mail on an iPhone or iPad.
func (b *builder) iosSteps(file bool) {
	const p = PlatformPhone
	if file {
		path := b.uiPath("ios.profile")
		b.add("guide.t.file", "guide.s.file.ios", map[string]string{"Path": joinPath(path), "Button": b.ui("install")},
			Picture{Platform: p, Title: b.ui("settings"), Path: path, Buttons: []Button{{Label: b.ui("install"), Highlight: true}}})
		b.password(p, b.ui("settings"))
		return
	}
	b.open(p, b.ui("settings"), "ios")
	b.identity(p, b.ui("ios.new"), nil, b.ui("next"))
	b.chooseType(p, b.ui("ios.new"), "IMAP", "POP", nil)
	b.incoming(p, b.ui("ios.in"), b.ui("next"))
	b.outgoing(p, b.ui("ios.out"), b.ui("ios.auth"), b.ui("save"))
	b.advanced(p, "ios.adv", "", "ios.ssl")
	b.keepOnServer(p, "ios.pop3", "ios.keep", true)
}

// androidSteps: Gmail for Android, or Thunderbird / K-9 Mail (which can import a .k9s).
func (b *builder) androidSteps(file bool) {
	const p = PlatformPhone
	if b.o.Client == K9 && file {
		path := b.uiPath("k9.import")
		b.add("guide.t.file", "guide.s.file.k9", map[string]string{"Path": joinPath(path), "Button": b.ui("import")},
			Picture{Platform: p, Title: "Thunderbird / K-9 Mail", Path: path, Fields: []Field{{Label: b.ui("f.file"), Value: b.o.File, Highlight: true}},
				Buttons: []Button{{Label: b.ui("import"), Highlight: true}}})
		b.password(p, "Thunderbird / K-9 Mail")
		return
	}
	title, pathKey := "Gmail", "android"
	if b.o.Client == K9 {
		title, pathKey = "Thunderbird / K-9 Mail", "k9"
	}
	b.open(p, title, pathKey)
	b.identity(p, title, nil, b.ui("android.manual"))
	b.chooseType(p, title, b.ui("android.imap"), b.ui("android.pop"), nil)
	b.incoming(p, b.ui("android.in"), b.ui("next"))
	b.outgoing(p, b.ui("android.out"), b.ui("android.auth"), b.ui("next"))
	b.keepOnServer(p, "android.pop3", "android.keep", true)
	b.finish(p, title, b.ui("next"))
	if b.o.Client == Android {
		b.add("guide.t.other", "guide.s.android.other", nil, Picture{Platform: p, Title: b.ui("android.email"),
			Fields:  b.serverFields(b.in, false),
			Buttons: []Button{{Label: b.ui("android.manual"), Highlight: true}}})
	}
}

// thunderbirdSteps: Thunderbird (installed into the profile, a profile zip, or by hand).
func (b *builder) thunderbirdSteps(file bool) {
	const w = PlatformWindows
	if b.o.Export == ExportInstalled {
		b.add("guide.t.open", "guide.s.installed", nil, Picture{Platform: w, Title: "Thunderbird",
			Fields: []Field{{Label: b.ui("f.email"), Value: b.address, Highlight: true}}})
		b.password(w, "Thunderbird")
		return
	}
	if file {
		path := b.uiPath("thunderbird.import")
		b.add("guide.t.file", "guide.s.file.tbzip", map[string]string{"Path": joinPath(path), "Button": b.ui("import")},
			Picture{Platform: w, Title: "Thunderbird", Path: path, Fields: []Field{{Label: b.ui("f.file"), Value: b.o.File, Highlight: true}},
				Buttons: []Button{{Label: b.ui("import"), Highlight: true}}})
		b.password(w, "Thunderbird")
		return
	}
	b.open(w, "Thunderbird", "thunderbird")
	b.identity(w, "Thunderbird", nil, b.ui("tb.manual"))
	b.incoming(w, b.ui("tb.in"), b.ui("tb.retest"))
	b.outgoing(w, b.ui("tb.out"), b.ui("tb.auth"), b.ui("done"))
	b.keepOnServer(w, "thunderbird.pop3", "tb.leave", true)
}

// theBatSteps: The Bat! on Windows.
func (b *builder) theBatSteps(file bool) {
	const w = PlatformWindows
	b.open(w, "The Bat!", "thebat")
	b.identity(w, "The Bat!", nil, b.ui("next"))
	b.chooseType(w, "The Bat!", "IMAP4", "POP3", nil)
	b.incoming(w, b.ui("bat.in"), b.ui("next"))
	b.outgoing(w, b.ui("bat.out"), b.ui("bat.auth"), b.ui("finish"))
	b.keepOnServer(w, "thebat.pop3", "bat.leave", true)
}

// advanced adds the step that checks ports and security after an automatic
// setup (Apple Mail and iOS pick their own otherwise).
func (b *builder) advanced(plat Platform, pathKey, autoKey, tlsKey string) {
	path := b.uiPath(pathKey)
	p := Picture{Platform: plat, Title: b.address, Path: path, Fields: []Field{
		{Label: b.ui("apple.in") + " · " + b.ui("f.port"), Value: strconv.Itoa(b.in.Port), Highlight: true},
		{Label: b.ui("apple.out") + " · " + b.ui("f.port"), Value: strconv.Itoa(b.out.Port), Highlight: true},
		{Label: b.ui("apple.out") + " · " + b.ui("f.user"), Value: b.out.Username, Highlight: true}}}
	opt := ""
	if autoKey != "" {
		opt = b.ui(autoKey)
		p.Checks = append(p.Checks, Check{Label: opt, On: false, Highlight: true})
	}
	p.Checks = append(p.Checks, Check{Label: b.ui(tlsKey), On: b.in.Security != profiles.SecurityNone, Highlight: true})
	p.Buttons = []Button{{Label: b.ui("save"), Highlight: true}}
	b.add("guide.t.check", "guide.s.advanced", map[string]string{"Path": joinPath(path), "Option": opt, "TLS": b.ui(tlsKey)}, p)
}
