package verify

import (
	"context"
	"testing"

	"mailsetup/profiles"
)

// checkT is VerifyServer for tests whose settings need no consent.
func checkT(t testing.TB, ctx context.Context, cfg *profiles.Config, s profiles.Server, o Options) Check {
	t.Helper()
	chk, err := VerifyServer(ctx, cfg, s, o)
	if err != nil {
		t.Fatalf("VerifyServer refused: %v", err)
	}
	return chk
}

// verifyT is Verify for tests whose settings need no consent.
func verifyT(t testing.TB, ctx context.Context, cfg *profiles.Config, o Options) *Result {
	t.Helper()
	res, err := Verify(ctx, cfg, o)
	if err != nil {
		t.Fatalf("Verify refused: %v", err)
	}
	return res
}
