package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The emulator's required_gen.go is what schemagen writes from the SDK in
// go.mod: after an SDK upgrade, `go generate ./emulator` must be run.
func TestGeneratedTableUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "required_gen.go")
	cmd := exec.Command("go", "run", ".", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("schemagen: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../required_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Error("emulator/required_gen.go is not what the SDK in go.mod gives: run `go generate ./emulator`")
	}
	required, err := requiredMembers(filepathSDKValidators(t))
	if err != nil {
		t.Fatal(err)
	}
	for shape, members := range map[string][]string{
		"AdminGetUserInput": {"UserPoolId", "Username"},
		"SignUpInput":       {"ClientId", "Username"},
		"AttributeType":     {"Name"},
	} {
		if got := required[shape]; !slices.Equal(got, members) {
			t.Errorf("required members of %s = %v, want %v", shape, got, members)
		}
	}
}

func filepathSDKValidators(t *testing.T) string {
	t.Helper()
	dir, err := exec.Command("go", "list", "-f", "{{.Dir}}", sdkPackage).Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(strings.TrimSpace(string(dir)), "validators.go")
}
