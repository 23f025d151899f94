package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailsetup/assets/i18n"
	"mailsetup/profiles"
	"mailsetup/profiles/discover"
)

// Setup is the first screen: an address field and the detected settings,
// written as a person would want to read them.
type Setup struct {
	Content fyne.CanvasObject

	Address *widget.Entry
	Detect  *widget.Button
	Status  *widget.Label
	// Result shows the provider, servers and notes once found.
	Result *fyne.Container

	lang   string
	svc    Services
	cancel context.CancelFunc
	// Config is the last detected configuration, or nil.
	Config *profiles.Config
}

// NewSetup builds the first screen in lang with the given services.
func NewSetup(lang string, svc Services) *Setup {
	svc.fill()
	s := &Setup{lang: lang, svc: svc}
	s.buildUI()
	return s
}

func (s *Setup) t(key string, args any) string { return i18n.T(s.lang, key, args) }

func (s *Setup) buildUI() {
	s.Address = &widget.Entry{PlaceHolder: "ivan@mail.ru", OnSubmitted: func(string) { s.onDetect() }}
	s.Detect = &widget.Button{Text: s.t("setup.detect", nil), Importance: widget.HighImportance, OnTapped: s.onDetect}
	s.Status = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.Result = container.NewVBox()
	title := &widget.Label{Text: s.t("setup.heading", nil), TextStyle: fyne.TextStyle{Bold: true}}
	form := container.NewBorder(nil, nil, widget.NewLabel(s.t("setup.address", nil)), s.Detect, s.Address)
	s.Content = container.NewBorder(
		container.NewVBox(title, form, s.Status), nil, nil, nil,
		container.NewVScroll(s.Result),
	)
}

func (s *Setup) onDetect() {
	addr, err := profiles.ParseAddress(s.Address.Text)
	if err != nil {
		s.Status.SetText(s.t("setup.bad-address", map[string]string{"Reason": strings.TrimPrefix(err.Error(), "address: ")}))
		s.Result.RemoveAll()
		return
	}
	if s.cancel != nil {
		s.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.Status.SetText(s.t("setup.searching", map[string]string{"Domain": addr.DomainUnicode}))
	s.Detect.Disable()
	s.svc.Go(func() {
		res, err := s.svc.Detect(ctx, addr, nil)
		s.svc.Do(func() { s.showResult(ctx, addr, res, err) })
	})
}

func (s *Setup) showResult(ctx context.Context, addr profiles.Address, res *discover.Result, err error) {
	if ctx.Err() != nil && err == nil {
		return // a newer search replaced this one
	}
	s.Detect.Enable()
	s.Result.RemoveAll()
	if err != nil || res == nil || res.Config == nil {
		s.Config = nil
		s.Status.SetText(s.t("setup.none", map[string]string{"Domain": addr.DomainUnicode}))
		return
	}
	cfg := res.Config
	s.Config = cfg
	s.Status.SetText(s.t("setup.found", map[string]string{"Provider": cfg.Provider.Name}))
	if in, ok := cfg.RecommendedIncoming(); ok {
		s.Result.Add(s.serverCard("setup.incoming", in))
	}
	if out, ok := cfg.RecommendedOutgoing(); ok {
		s.Result.Add(s.serverCard("setup.outgoing", out))
	}
	for _, n := range cfg.Notes {
		text := n.Text
		if n.Key != "" && i18n.Default().Has(s.lang, n.Key) {
			text = i18n.T(s.lang, n.Key, n.Args)
		}
		l := widget.NewLabel("• " + text)
		l.Wrapping = fyne.TextWrapWord
		s.Result.Add(l)
	}
}

func (s *Setup) serverCard(titleKey string, srv profiles.Server) fyne.CanvasObject {
	body := s.t("setup.server-line", map[string]string{
		"Protocol": strings.ToUpper(string(srv.Protocol)),
		"Host":     srv.Host,
		"Port":     fmt.Sprint(srv.Port),
		"Security": s.t("security."+string(srv.Security), nil),
		"Username": srv.Username,
	})
	l := widget.NewLabel(body)
	l.Wrapping = fyne.TextWrapWord
	return widget.NewCard(s.t(titleKey, nil), "", l)
}
