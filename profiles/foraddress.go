package profiles

// ForAddress returns a copy of settings found for another address at the
// same domain, adapted to addr: the address itself, and every login that was
// the old address, its local part or its base local part (without a
// "+tag") becomes addr's. Other logins (a fixed account, a DOMAIN\user) stay
// as they are. Notes whose arguments named the old address name the new
// one. The source and trust do not change: the same servers were found.
func (c *Config) ForAddress(addr Address) *Config {
	cfg := c.Clone()
	old, _ := c.Addr()
	fix := func(list []Server) {
		for i := range list {
			switch list[i].Username {
			case old.String():
				list[i].Username = addr.String()
			case old.Local:
				list[i].Username = addr.Local
			case old.BaseLocal():
				list[i].Username = addr.BaseLocal()
			}
		}
	}
	fix(cfg.Incoming)
	fix(cfg.Outgoing)
	cfg.SetAddress(addr)
	for i := range cfg.Notes {
		for k, v := range cfg.Notes[i].Args {
			if v == old.String() {
				cfg.Notes[i].Args[k] = addr.String()
			}
		}
	}
	return cfg
}
