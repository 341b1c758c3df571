package secrethash

import "testing"

func TestCompute(t *testing.T) {
	// Reference value computed independently with:
	//   printf 'alice1example' | openssl dgst -sha256 -hmac 'shh' -binary | base64
	const want = "LX0UQ2DOvQRDaP4Cy/7HbCzcLu5RIIcOBObz8FEzEb8="
	if got := Compute("shh", "alice", "1example"); got != want {
		t.Fatalf("Compute = %q, want %q", got, want)
	}
}

func TestValid(t *testing.T) {
	h := Compute("secret", "bob", "client")
	tests := []struct {
		name                      string
		got, secret, user, client string
		want                      bool
	}{
		{"match", h, "secret", "bob", "client", true},
		{"wrong secret", h, "other", "bob", "client", false},
		{"wrong user", h, "secret", "bobby", "client", false},
		{"wrong client", h, "secret", "bob", "clientx", false},
		{"empty", "", "secret", "bob", "client", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Valid(tt.got, tt.secret, tt.user, tt.client); got != tt.want {
				t.Fatalf("Valid = %v, want %v", got, tt.want)
			}
		})
	}
}
