// Renders templates as the sealed-secrets controller does (Unseal in
// pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go): Go's
// text/template with sprig's GenericFuncMap minus env, expandenv and
// getHostByName, executed over a map[string]string.
//
// The oracle of kubeseal-core's template tests. Input on stdin: a JSON
// array of {"name", "template", "data": {key: base64}}; output on stdout: a
// JSON array of {"output": base64} or {"error": message}, one per case.
//
// Built in GOPATH mode against Debian's golang-github-masterminds-sprig-dev
// (sprig v3.2.3 under /usr/share/gocode, imported without its /v3 suffix):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o render render.go
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
)

type testCase struct {
	Name     string            `json:"name"`
	Template string            `json:"template"`
	Data     map[string]string `json:"data"`
}

type result struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

func main() {
	funcs := sprig.GenericFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	delete(funcs, "getHostByName")

	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		os.Stderr.WriteString("render: " + err.Error() + "\n")
		os.Exit(2)
	}
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		data := map[string]string{}
		for k, v := range c.Data {
			b, err := base64.StdEncoding.DecodeString(v)
			if err != nil {
				os.Stderr.WriteString("render: data " + k + ": " + err.Error() + "\n")
				os.Exit(2)
			}
			data[k] = string(b)
		}
		results = append(results, render(funcs, c, data))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		os.Exit(2)
	}
}

func render(funcs map[string]interface{}, c testCase, data map[string]string) result {
	fail := func(err error) result {
		msg := err.Error()
		return result{Error: &msg}
	}
	t, err := template.New(c.Name).Funcs(funcs).Parse(c.Template)
	if err != nil {
		return fail(err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fail(err)
	}
	out := base64.StdEncoding.EncodeToString(buf.Bytes())
	return result{Output: &out}
}
