package emulator

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognitokit/cognito/emulator/store"
)

// sdkOperations derives the API's operations from the SDK itself: every
// method of its Client shaped func(ctx, *<Op>Input, ...func(*Options))
// (*<Op>Output, error).
func sdkOperations(t *testing.T) []string {
	t.Helper()
	ctxType := reflect.TypeFor[context.Context]()
	var ops []string
	ct := reflect.TypeFor[*cip.Client]()
	for i := range ct.NumMethod() {
		m := ct.Method(i)
		ft := m.Type // receiver first
		if ft.NumIn() != 4 || ft.In(1) != ctxType || ft.NumOut() != 2 {
			continue
		}
		in, out := ft.In(2), ft.Out(0)
		if in.Kind() == reflect.Pointer && in.Elem().Name() == m.Name+"Input" &&
			out.Kind() == reflect.Pointer && out.Elem().Name() == m.Name+"Output" {
			ops = append(ops, m.Name)
		}
	}
	if len(ops) < 100 {
		t.Fatalf("found only %d operations on the SDK's Client", len(ops))
	}
	slices.Sort(ops)
	return ops
}

// TestActionTableCoverage checks that the action table names every
// operation of the SDK and nothing else, and that doc.go and the README's
// coverage table say which are implemented exactly as the table does.
func TestActionTableCoverage(t *testing.T) {
	ops := sdkOperations(t)
	var implemented, notYet []string
	for name, act := range actions {
		if !slices.Contains(ops, name) {
			t.Errorf("the action table has %s, which is not an operation of the SDK", name)
		}
		if act.serve != nil {
			implemented = append(implemented, name)
		} else {
			notYet = append(notYet, name)
		}
	}
	for _, op := range ops {
		if _, ok := actions[op]; !ok {
			t.Errorf("the SDK's operation %s is missing from the action table", op)
		}
	}
	slices.Sort(implemented)
	slices.Sort(notYet)
	t.Logf("%d of %d operations implemented", len(implemented), len(ops))

	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	docImplemented, docNotYet, docCount := docCoverage(t, string(doc))
	compareLists(t, "doc.go's implemented actions", docImplemented, implemented)
	compareLists(t, "doc.go's actions not supported yet", docNotYet, notYet)
	if docCount != len(implemented) {
		t.Errorf("doc.go says %d actions are implemented; the table has %d", docCount, len(implemented))
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readmeImplemented, readmeNotYet := readmeCoverage(t, string(readme))
	compareLists(t, "the README's implemented actions", readmeImplemented, implemented)
	compareLists(t, "the README's actions not supported yet", readmeNotYet, notYet)
}

var actionName = regexp.MustCompile(`[A-Z][A-Za-z]+`)

// docCoverage reads doc.go's two lists: the paragraph after
// "Implemented actions (N of M):" and the one after "Not supported yet".
func docCoverage(t *testing.T, doc string) (implemented, notYet []string, count int) {
	t.Helper()
	text := strings.ReplaceAll(doc, "\n//", "\n")
	head := regexp.MustCompile(`Implemented actions \((\d+) of \d+\):`)
	m := head.FindStringSubmatchIndex(text)
	if m == nil {
		t.Fatal(`doc.go has no "Implemented actions (N of M):" list`)
	}
	count, _ = strconv.Atoi(text[m[2]:m[3]])
	rest := text[m[1]:]
	i := strings.Index(rest, "Not supported yet")
	if i < 0 {
		t.Fatal(`doc.go has no "Not supported yet" list`)
	}
	implemented = actionsIn(rest[:i])
	rest = rest[i+len("Not supported yet"):]
	if j := strings.Index(rest, "\n\n"); j >= 0 {
		rest = rest[:j]
	}
	return implemented, actionsIn(rest), count
}

// readmeCoverage reads the README's coverage table (between the
// coverage:start and coverage:end markers): per row, the implemented
// actions in the second column and the others in the third.
func readmeCoverage(t *testing.T, readme string) (implemented, notYet []string) {
	t.Helper()
	start, end := strings.Index(readme, "<!-- coverage:start -->"), strings.Index(readme, "<!-- coverage:end -->")
	if start < 0 || end < start {
		t.Fatal("the README has no coverage table between <!-- coverage:start --> and <!-- coverage:end -->")
	}
	for line := range strings.SplitSeq(readme[start:end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "Area" {
			continue
		}
		implemented = append(implemented, actionsIn(cells[2])...)
		notYet = append(notYet, actionsIn(cells[3])...)
	}
	return implemented, notYet
}

// actionsIn lists the backquoted (or plain) action names in text, sorted.
func actionsIn(text string) []string {
	var out []string
	for _, name := range actionName.FindAllString(text, -1) {
		if _, ok := actions[name]; ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func compareLists(t *testing.T, what string, got, want []string) {
	t.Helper()
	for _, name := range got {
		if !slices.Contains(want, name) {
			t.Errorf("%s name %s, which is not in that list of the action table", what, name)
		}
	}
	for _, name := range want {
		if !slices.Contains(got, name) {
			t.Errorf("%s miss %s", what, name)
		}
	}
	if len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("%s name an action twice", what)
	}
}

// Every operation the local Cognito does not implement yet answers HTTP
// 400 UnsupportedOperationException naming it, never "unknown operation".
func TestUnsupportedActions(t *testing.T) {
	st := store.NewMemory()
	defer st.Close()
	srv, err := New(t.Context(), st, WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	for name, act := range actions {
		if act.serve != nil {
			continue
		}
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", jsonMediaType)
		req.Header.Set("X-Amz-Target", targetPrefix+name)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var body struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusBadRequest || body.Type != excUnsupportedOperation || !strings.Contains(body.Message, name) {
			t.Errorf("%s: %d %s, want 400 %s naming the action", name, rec.Code, rec.Body, excUnsupportedOperation)
		}
	}
}
