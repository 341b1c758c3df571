package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// phraseArgs are the functions whose argument at the index is one of the
// CLI's lines, or a phrase of one, to translate.
var phraseArgs = map[string]int{
	"tr": 0, "say": 0, "failf": 0, "phrase": 0, "explained": 1,
	"readLine": 0, "readPassword": 3, "readNewPassword": 3, "readAnswer": 2, "readAnswerWith": 3,
	"readChoice": 2, "readCode": 3, "withCode": 4, "prompt": 2,
}

// linesOfTheCLI returns every line and phrase the CLI's code passes to be
// translated, with where it is, and reports a format that is not a
// literal (which the catalog could not hold).
func linesOfTheCLI(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			i, ok := phraseArgs[fn]
			if !ok || len(call.Args) <= i {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if id, ok := call.Args[i].(*ast.Ident); (fn == "tr" || fn == "say" || fn == "failf") && !(ok && id.Name == "format") {
					t.Errorf("%s: %s's format is not a literal", fset.Position(call.Pos()), fn)
				}
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			lines[s] = fset.Position(lit.Pos()).String()
			if fn == "readNewPassword" {
				lines[s+" again"] = lines[s] // readPassword's second prompt
			}
			return true
		})
	}
	return lines
}

// verbs are the fmt verbs of a format, in order.
var verbs = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)

// TestSpanishCatalog checks that every line of the CLI is in the Spanish
// catalog, with the same verbs, and that the catalog holds no other line.
func TestSpanishCatalog(t *testing.T) {
	lines := linesOfTheCLI(t)
	if len(lines) < 50 {
		t.Fatalf("found only %d lines: is the parse right?", len(lines))
	}
	for _, line := range slices.Sorted(maps.Keys(lines)) {
		es, ok := spanish[line]
		if !ok {
			t.Errorf("%s: no Spanish for %q", lines[line], line)
			continue
		}
		got, want := verbs.FindAllString(es, -1), verbs.FindAllString(line, -1)
		for i := range got {
			got[i] = verbs.ReplaceAllString(got[i], "%"+got[i][len(got[i])-1:]) // %[2]s reorders: compare the kinds
		}
		slices.Sort(got)
		for i := range want {
			want[i] = "%" + want[i][len(want[i])-1:]
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the Spanish of %q has the verbs %v, want %v", lines[line], line, got, want)
		}
	}
	for line := range spanish {
		if _, ok := lines[line]; !ok {
			t.Errorf("the Spanish catalog has %q, which the CLI does not write", line)
		}
	}
}
