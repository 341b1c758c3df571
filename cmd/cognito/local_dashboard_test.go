package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestLocalDashboard: the banner of `cognito local` names the dashboard's
// URL, which serves the default pool's page.
func TestLocalDashboard(t *testing.T) {
	run := startLocal(t, "--memory", "--data", t.TempDir())
	endpoint := run.exports["AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"]
	var dashboard string
	for _, line := range strings.Split(run.stdout.String(), "\n") {
		if strings.HasPrefix(line, "# Dashboard") {
			dashboard = line[strings.LastIndex(line, " ")+1:]
		}
	}
	if dashboard != endpoint+"/_local/" {
		t.Fatalf("the banner names the dashboard %q, want %s/_local/:\n%s", dashboard, endpoint, run.stdout)
	}
	resp, err := http.Get(dashboard)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), run.exports["COGNITO_USER_POOL_ID"]) {
		t.Errorf("GET %s: %d %s\n%s", dashboard, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}
