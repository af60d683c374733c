// Package deploy_test keeps the deployment files honest: every manifest
// under deploy/ is decoded strictly (unknown or duplicate fields are
// errors) into its Kubernetes API type — k8s.io/api for the core kinds,
// local mirrors of the KServe types for ServingRuntime and InferenceService
// — and the pieces that must agree with each other and with hlogate's
// memory limits are checked: sizing, probes, ports, selectors, the HPA's
// metric and the Prometheus adapter rule that serves it, the security
// context, and the Dockerfile.
package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/hlogate/hlogate/internal/units"
)

// --- KServe mirrors --------------------------------------------------------
//
// Field names and JSON keys follow kserve/kserve pkg/apis/serving
// (v1alpha1.ServingRuntime, v1beta1.InferenceService); only the fields a
// manifest here may use are mirrored, so a typo or an invented field fails.

type supportedModelFormat struct {
	Name       string  `json:"name"`
	Version    *string `json:"version,omitempty"`
	AutoSelect *bool   `json:"autoSelect,omitempty"`
	Priority   *int32  `json:"priority,omitempty"`
}

type servingRuntimeSpec struct {
	SupportedModelFormats []supportedModelFormat        `json:"supportedModelFormats,omitempty"`
	MultiModel            *bool                         `json:"multiModel,omitempty"`
	Disabled              *bool                         `json:"disabled,omitempty"`
	ProtocolVersions      []string                      `json:"protocolVersions,omitempty"`
	Containers            []corev1.Container            `json:"containers"`
	Volumes               []corev1.Volume               `json:"volumes,omitempty"`
	NodeSelector          map[string]string             `json:"nodeSelector,omitempty"`
	Affinity              *corev1.Affinity              `json:"affinity,omitempty"`
	Tolerations           []corev1.Toleration           `json:"tolerations,omitempty"`
	Labels                map[string]string             `json:"labels,omitempty"`
	Annotations           map[string]string             `json:"annotations,omitempty"`
	ImagePullSecrets      []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
}

type servingRuntime struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              servingRuntimeSpec `json:"spec"`
}

type modelFormat struct {
	Name    string  `json:"name"`
	Version *string `json:"version,omitempty"`
}

// modelSpec mirrors v1beta1.ModelSpec: the format, the runtime, the
// PredictorExtensionSpec and its inline container overrides.
type modelSpec struct {
	ModelFormat     modelFormat `json:"modelFormat"`
	Runtime         *string     `json:"runtime,omitempty"`
	StorageURI      *string     `json:"storageUri,omitempty"`
	RuntimeVersion  *string     `json:"runtimeVersion,omitempty"`
	ProtocolVersion *string     `json:"protocolVersion,omitempty"`
	corev1.Container
}

// predictorSpec mirrors the parts of v1beta1.PredictorSpec used here: the
// model, ComponentExtensionSpec and a few PodSpec fields.
type predictorSpec struct {
	Model                *modelSpec                 `json:"model,omitempty"`
	MinReplicas          *int                       `json:"minReplicas,omitempty"`
	MaxReplicas          int                        `json:"maxReplicas,omitempty"`
	ScaleTarget          *int                       `json:"scaleTarget,omitempty"`
	ScaleMetric          *string                    `json:"scaleMetric,omitempty"`
	ContainerConcurrency *int64                     `json:"containerConcurrency,omitempty"`
	TimeoutSeconds       *int64                     `json:"timeout,omitempty"`
	Labels               map[string]string          `json:"labels,omitempty"`
	Annotations          map[string]string          `json:"annotations,omitempty"`
	ServiceAccountName   string                     `json:"serviceAccountName,omitempty"`
	SecurityContext      *corev1.PodSecurityContext `json:"securityContext,omitempty"`
	NodeSelector         map[string]string          `json:"nodeSelector,omitempty"`
	Tolerations          []corev1.Toleration        `json:"tolerations,omitempty"`
}

type inferenceService struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              struct {
		Predictor predictorSpec `json:"predictor"`
	} `json:"spec"`
}

// adapterConfig mirrors the Prometheus adapter's discovery config.
type adapterConfig struct {
	Rules []struct {
		SeriesQuery   string `json:"seriesQuery"`
		SeriesFilters []struct {
			Is    string `json:"is,omitempty"`
			IsNot string `json:"isNot,omitempty"`
		} `json:"seriesFilters,omitempty"`
		Resources struct {
			Overrides map[string]struct {
				Group    string `json:"group,omitempty"`
				Resource string `json:"resource"`
			} `json:"overrides,omitempty"`
			Template string `json:"template,omitempty"`
		} `json:"resources"`
		Name struct {
			Matches string `json:"matches"`
			As      string `json:"as"`
		} `json:"name"`
		MetricsQuery string `json:"metricsQuery"`
	} `json:"rules"`
}

// --- loading ---------------------------------------------------------------

type manifest struct {
	file string
	obj  any
}

var (
	loadOnce  sync.Once
	manifests []manifest
	loadErr   error
)

// decoders maps apiVersion/kind to a fresh object of its type.
var decoders = map[string]func() any{
	"apps/v1/Deployment":                         func() any { return &appsv1.Deployment{} },
	"v1/Service":                                 func() any { return &corev1.Service{} },
	"v1/ConfigMap":                               func() any { return &corev1.ConfigMap{} },
	"autoscaling/v2/HorizontalPodAutoscaler":     func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1/PodDisruptionBudget":              func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1/NetworkPolicy":         func() any { return &networkingv1.NetworkPolicy{} },
	"serving.kserve.io/v1alpha1/ServingRuntime":  func() any { return &servingRuntime{} },
	"serving.kserve.io/v1beta1/InferenceService": func() any { return &inferenceService{} },
}

var docSep = regexp.MustCompile(`(?m)^---[ \t]*$`)

// decodeAll decodes every document of every *.yaml under dir strictly.
func decodeAll(dir string) ([]manifest, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []manifest
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for i, doc := range docSep.Split(string(data), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			where := fmt.Sprintf("%s (document %d)", f, i+1)
			obj, err := decodeStrict([]byte(doc))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			out = append(out, manifest{file: where, obj: obj})
		}
	}
	return out, nil
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// decodeStrict decodes one document into the type its apiVersion and kind
// name, refusing unknown and duplicate fields.
func decodeStrict(doc []byte) (any, error) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return nil, err
	}
	mk, ok := decoders[tm.APIVersion+"/"+tm.Kind]
	if !ok {
		return nil, fmt.Errorf("no decoder for apiVersion %q kind %q: add its API type to deploy_test.go", tm.APIVersion, tm.Kind)
	}
	obj := mk()
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return nil, err
	}
	// encoding/json matches keys case-insensitively ("targetport" would
	// fill TargetPort); the API server does not. Check exact spelling.
	js, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(js, &tree); err != nil {
		return nil, err
	}
	if err := exactKeys(tree, reflect.TypeOf(obj), "$"); err != nil {
		return nil, err
	}
	return obj, nil
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// jsonFields lists the JSON keys of a struct type, inline (embedded)
// structs included.
func jsonFields(t reflect.Type, out map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				jsonFields(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
}

// exactKeys checks that every object key of the decoded JSON tree is
// spelled exactly as a field of type t.
func exactKeys(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || t.Implements(unmarshalerType) {
		return nil // custom decoding (Quantity, IntOrString, Time, ...)
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		fields := map[string]reflect.Type{}
		jsonFields(t, fields)
		for k, sub := range obj {
			ft, ok := fields[k]
			if !ok {
				return fmt.Errorf("%s: unknown field %q (keys are case-sensitive)", path, k)
			}
			if err := exactKeys(sub, ft, path+"."+k); err != nil {
				return err
			}
		}
	case reflect.Map:
		if obj, ok := v.(map[string]any); ok {
			for k, sub := range obj {
				if err := exactKeys(sub, t.Elem(), path+"."+k); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if arr, ok := v.([]any); ok {
			for i, sub := range arr {
				if err := exactKeys(sub, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func all(t *testing.T) []manifest {
	t.Helper()
	loadOnce.Do(func() { manifests, loadErr = decodeAll(".") })
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return manifests
}

func one[T any](t *testing.T) []T {
	t.Helper()
	var out []T
	for _, m := range all(t) {
		if v, ok := m.obj.(T); ok {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		var zero T
		t.Fatalf("no %T manifest", zero)
	}
	return out
}

// --- tests -----------------------------------------------------------------

func TestEveryManifestDecodesStrictly(t *testing.T) {
	ms := all(t)
	kinds := map[string]int{}
	for _, m := range ms {
		kinds[fmt.Sprintf("%T", m.obj)]++
	}
	for _, want := range []string{"*v1.Deployment", "*v1.Service", "*v2.HorizontalPodAutoscaler", "*v1.ConfigMap",
		"*deploy_test.servingRuntime", "*deploy_test.inferenceService"} {
		if kinds[want] == 0 {
			t.Errorf("no %s among the manifests (%v)", want, kinds)
		}
	}
	t.Logf("%d manifests: %v", len(ms), kinds)
}

// The decoder is strict: the test would catch a typo.
func TestStrictDecodingRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown field":         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replica: 2\n",
		"nested typo":           "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports:\n    - port: 80\n      targetport: 8000\n",
		"duplicate key":         "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nmetadata: {name: y}\n",
		"wrong type":            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\nspec:\n  maxReplicas: many\n",
		"kserve typo":           "apiVersion: serving.kserve.io/v1alpha1\nkind: ServingRuntime\nmetadata: {name: x}\nspec:\n  protocolVersion: [v2]\n  containers: []\n",
		"kserve container typo": "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: x}\nspec:\n  predictor:\n    model:\n      modelFormat: {name: f}\n      resource: {}\n",
		"unknown kind":          "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
	} {
		if _, err := decodeStrict([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// serveFlags parses the `--flag=value` arguments of `hlogate serve`.
func serveFlags(t *testing.T, where string, args []string) map[string]string {
	t.Helper()
	if len(args) == 0 || args[0] != "serve" {
		t.Fatalf("%s: args must start with serve: %v", where, args)
	}
	flags := map[string]string{}
	for _, a := range args[1:] {
		k, v, ok := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		if !strings.HasPrefix(a, "--") || !ok {
			t.Fatalf("%s: write flags as --name=value: %q", where, a)
		}
		flags[k] = v
	}
	return flags
}

// overhead is the resident memory beyond the tensor budget that the
// adversarial suite allows (cmd/hlogate/attacks_test.go, docs/LIMITS.md).
const overhead = 320 << 20

// checkServerContainer checks a container that runs `hlogate serve`:
// sizing against its flags, probes, and the security context.
func checkServerContainer(t *testing.T, where string, c corev1.Container, podSC *corev1.PodSecurityContext) {
	t.Helper()
	flags := serveFlags(t, where, c.Args)
	size := func(k string) int64 {
		v, ok := flags[k]
		if !ok {
			t.Fatalf("%s: set --%s explicitly (it decides the memory limit)", where, k)
		}
		n, err := units.ParseBytes(v)
		if err != nil {
			t.Fatalf("%s: --%s: %v", where, k, err)
		}
		return n
	}
	cnt := func(k string) int64 {
		v, ok := flags[k]
		if !ok {
			t.Fatalf("%s: set --%s explicitly (it decides the memory limit)", where, k)
		}
		n, err := units.ParseCount(v)
		if err != nil || n <= 0 {
			t.Fatalf("%s: --%s: %v", where, k, err)
		}
		return n
	}
	mem, conc, queue, body := size("max-memory"), cnt("max-concurrency"), cnt("max-queue"), size("max-body")
	need := mem*conc + body*(conc+queue) + overhead
	lim, ok := c.Resources.Limits[corev1.ResourceMemory]
	if !ok {
		t.Fatalf("%s: no memory limit", where)
	}
	if lim.Value() < need {
		t.Errorf("%s: memory limit %s is under max-memory x max-concurrency + max-body x (max-concurrency + max-queue) + overhead = %s",
			where, lim.String(), units.FormatBytes(need))
	}
	if req := c.Resources.Requests[corev1.ResourceMemory]; req.Cmp(lim) != 0 {
		t.Errorf("%s: memory request %s != limit %s (memory is not compressible: request what the limit allows)", where, req.String(), lim.String())
	}
	cpu, ok := c.Resources.Limits[corev1.ResourceCPU]
	if !ok || cpu.Cmp(*resource.NewQuantity(conc, resource.DecimalSI)) < 0 {
		t.Errorf("%s: cpu limit %s is under --max-concurrency %d", where, cpu.String(), conc)
	}
	for _, e := range c.Env {
		if e.Name == "GOMEMLIMIT" {
			n, err := units.ParseBytes(e.Value)
			if err != nil || n >= lim.Value() || n < need-overhead {
				t.Errorf("%s: GOMEMLIMIT %s should sit between the tensor budget and the memory limit", where, e.Value)
			}
		}
	}

	probe := func(name string, p *corev1.Probe, path string) {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path {
			t.Errorf("%s: %s probe must GET %s", where, name, path)
			return
		}
		port := p.HTTPGet.Port
		httpPort := ""
		if v, ok := flags["http"]; ok {
			httpPort = strings.TrimPrefix(v[strings.LastIndex(v, ":"):], ":")
		}
		switch port.Type {
		case intstr.String:
			found := false
			for _, cp := range c.Ports {
				if cp.Name == port.StrVal {
					found = true
					if fmt.Sprint(cp.ContainerPort) != httpPort {
						t.Errorf("%s: %s probe port %s is %d, --http listens on %s", where, name, port.StrVal, cp.ContainerPort, httpPort)
					}
				}
			}
			if !found {
				t.Errorf("%s: %s probe names port %q, which the container does not declare", where, name, port.StrVal)
			}
		case intstr.Int:
			if fmt.Sprint(port.IntVal) != httpPort {
				t.Errorf("%s: %s probe port %d, --http listens on %s", where, name, port.IntVal, httpPort)
			}
		}
	}
	probe("readiness", c.ReadinessProbe, "/v2/health/ready")
	probe("liveness", c.LivenessProbe, "/v2/health/live")
	if c.StartupProbe != nil {
		probe("startup", c.StartupProbe, "/v2/health/ready")
	}

	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatalf("%s: no securityContext", where)
	case sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot:
		t.Errorf("%s: runAsNonRoot must be true", where)
	case sc.RunAsUser == nil || *sc.RunAsUser == 0:
		t.Errorf("%s: runAsUser must be a non-zero uid", where)
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Errorf("%s: readOnlyRootFilesystem must be true", where)
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Errorf("%s: allowPrivilegeEscalation must be false", where)
	case sc.Privileged != nil && *sc.Privileged:
		t.Errorf("%s: privileged", where)
	case sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0:
		t.Errorf("%s: drop ALL capabilities and add none", where)
	case (sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault) &&
		(podSC == nil || podSC.SeccompProfile == nil || podSC.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault):
		t.Errorf("%s: use the RuntimeDefault seccomp profile", where)
	}
	if !strings.Contains(c.Image, "hlogate") {
		t.Errorf("%s: image %q", where, c.Image)
	}
}

func TestDeployment(t *testing.T) {
	for _, d := range one[*appsv1.Deployment](t) {
		where := "Deployment " + d.Name
		spec := d.Spec.Template.Spec
		if len(spec.Containers) != 1 {
			t.Fatalf("%s: %d containers", where, len(spec.Containers))
		}
		checkServerContainer(t, where, spec.Containers[0], spec.SecurityContext)
		if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
			t.Errorf("%s: the server needs no API token: automountServiceAccountToken: false", where)
		}
		if spec.SecurityContext == nil || spec.SecurityContext.RunAsNonRoot == nil || !*spec.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: pod securityContext must set runAsNonRoot", where)
		}
		sel, err := metav1.LabelSelectorAsMap(d.Spec.Selector)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range sel {
			if d.Spec.Template.Labels[k] != v {
				t.Errorf("%s: selector %s=%s does not match the pod template", where, k, v)
			}
		}
		// Every mount has a volume; the tenants file is mounted read-only.
		for _, m := range spec.Containers[0].VolumeMounts {
			if !slices.ContainsFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name }) {
				t.Errorf("%s: mount %s has no volume", where, m.Name)
			}
		}
		flags := serveFlags(t, where, spec.Containers[0].Args)
		// SIGTERM drains: in-flight requests must finish before the kubelet kills the pod.
		drain, err := time.ParseDuration(flags["drain-timeout"])
		if err != nil || spec.TerminationGracePeriodSeconds == nil || drain >= time.Duration(*spec.TerminationGracePeriodSeconds)*time.Second {
			t.Errorf("%s: --drain-timeout (%q) must be set and shorter than terminationGracePeriodSeconds", where, flags["drain-timeout"])
		}
		if tf, ok := flags["tenants"]; ok && !slices.ContainsFunc(spec.Containers[0].VolumeMounts, func(m corev1.VolumeMount) bool {
			return strings.HasPrefix(tf, m.MountPath+"/") && m.ReadOnly
		}) {
			t.Errorf("%s: --tenants %s is not on a read-only mount", where, tf)
		}
	}
}

func TestServicesSelectTheDeployment(t *testing.T) {
	deps := one[*appsv1.Deployment](t)
	for _, s := range one[*corev1.Service](t) {
		matched := false
		for _, d := range deps {
			if !labelsMatch(s.Spec.Selector, d.Spec.Template.Labels) {
				continue
			}
			matched = true
			c := d.Spec.Template.Spec.Containers[0]
			for _, p := range s.Spec.Ports {
				if p.TargetPort.Type == intstr.String && !slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.StrVal }) {
					t.Errorf("Service %s: targetPort %q is not a port of Deployment %s", s.Name, p.TargetPort.StrVal, d.Name)
				}
			}
		}
		if !matched {
			t.Errorf("Service %s selects no Deployment", s.Name)
		}
	}
}

func labelsMatch(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestHPAScalesOnQueueTime(t *testing.T) {
	deps := one[*appsv1.Deployment](t)
	var adapter adapterConfig
	found := false
	for _, cm := range one[*corev1.ConfigMap](t) {
		if cfg, ok := cm.Data["config.yaml"]; ok && strings.Contains(cm.Name, "adapter") {
			if err := yaml.UnmarshalStrict([]byte(cfg), &adapter); err != nil {
				t.Fatalf("ConfigMap %s: adapter config: %v", cm.Name, err)
			}
			found = true
		}
	}
	if !found || len(adapter.Rules) == 0 {
		t.Fatal("no Prometheus adapter rules")
	}
	served := map[string]bool{}
	for _, r := range adapter.Rules {
		if _, err := regexp.Compile(r.Name.Matches); err != nil {
			t.Errorf("adapter rule %q: %v", r.Name.Matches, err)
		}
		if r.Resources.Overrides["pod"].Resource != "pod" || r.Resources.Overrides["namespace"].Resource != "namespace" {
			t.Errorf("adapter rule %s: map the pod and namespace labels to resources", r.Name.As)
		}
		for _, s := range []string{"<<.LabelMatchers>>", "<<.GroupBy>>", "hlogate_queue_duration_seconds_sum", "hlogate_queue_duration_seconds_count"} {
			if !strings.Contains(r.MetricsQuery, s) {
				t.Errorf("adapter rule %s: metricsQuery lacks %s", r.Name.As, s)
			}
		}
		served[r.Name.As] = true
	}
	for _, h := range one[*autoscalingv2.HorizontalPodAutoscaler](t) {
		ref := h.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || ref.APIVersion != "apps/v1" || !slices.ContainsFunc(deps, func(d *appsv1.Deployment) bool { return d.Name == ref.Name }) {
			t.Errorf("HPA %s targets %s %s, not a Deployment here", h.Name, ref.Kind, ref.Name)
		}
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 || h.Spec.MaxReplicas < *h.Spec.MinReplicas {
			t.Errorf("HPA %s: replicas %v..%d", h.Name, h.Spec.MinReplicas, h.Spec.MaxReplicas)
		}
		queue := false
		for _, m := range h.Spec.Metrics {
			if m.Type == autoscalingv2.PodsMetricSourceType && m.Pods != nil {
				if !served[m.Pods.Metric.Name] {
					t.Errorf("HPA %s: Pods metric %s is not served by the adapter rules (%v)", h.Name, m.Pods.Metric.Name, served)
				}
				if m.Pods.Target.Type != autoscalingv2.AverageValueMetricType || m.Pods.Target.AverageValue == nil || m.Pods.Target.AverageValue.Sign() <= 0 {
					t.Errorf("HPA %s: the queue-time target must be a positive AverageValue", h.Name)
				}
				queue = strings.Contains(m.Pods.Metric.Name, "queue")
			}
		}
		if !queue {
			t.Errorf("HPA %s does not scale on queue time", h.Name)
		}
	}
}

func TestKServe(t *testing.T) {
	rts := one[*servingRuntime](t)
	formats := map[string]string{} // format -> runtime
	for _, rt := range rts {
		where := "ServingRuntime " + rt.Name
		for _, p := range []string{"v2", "grpc-v2"} {
			if !slices.Contains(rt.Spec.ProtocolVersions, p) {
				t.Errorf("%s: protocolVersions lack %s", where, p)
			}
		}
		for _, p := range rt.Spec.ProtocolVersions {
			if !slices.Contains([]string{"v1", "v2", "grpc-v1", "grpc-v2"}, p) {
				t.Errorf("%s: unknown protocol version %q", where, p)
			}
		}
		if len(rt.Spec.Containers) != 1 || rt.Spec.Containers[0].Name != "kserve-container" {
			t.Fatalf("%s: one container named kserve-container", where)
		}
		c := rt.Spec.Containers[0]
		checkServerContainer(t, where, c, nil)
		flags := serveFlags(t, where, c.Args)
		if flags["repo"] != "/mnt/models" {
			t.Errorf("%s: serve KServe's model mount: --repo=/mnt/models", where)
		}
		for _, m := range c.VolumeMounts {
			if !slices.ContainsFunc(rt.Spec.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name }) {
				t.Errorf("%s: mount %s has no volume", where, m.Name)
			}
		}
		for _, f := range rt.Spec.SupportedModelFormats {
			formats[f.Name] = rt.Name
		}
	}
	for _, is := range one[*inferenceService](t) {
		where := "InferenceService " + is.Name
		m := is.Spec.Predictor.Model
		if m == nil {
			t.Fatalf("%s: no predictor model", where)
		}
		rt, ok := formats[m.ModelFormat.Name]
		if !ok || m.Runtime == nil || *m.Runtime != rt {
			t.Errorf("%s: modelFormat %s / runtime %v is not served by a ServingRuntime here (%v)", where, m.ModelFormat.Name, m.Runtime, formats)
		}
		if m.ProtocolVersion == nil || (*m.ProtocolVersion != "v2" && *m.ProtocolVersion != "grpc-v2") {
			t.Errorf("%s: protocolVersion must be v2 or grpc-v2", where)
		}
		if m.StorageURI == nil || *m.StorageURI == "" {
			t.Errorf("%s: no storageUri", where)
		}
		if p := is.Spec.Predictor; p.MinReplicas != nil && p.MaxReplicas > 0 && *p.MinReplicas > p.MaxReplicas {
			t.Errorf("%s: minReplicas > maxReplicas", where)
		}
		if mem, ok := m.Resources.Limits[corev1.ResourceMemory]; ok {
			for _, r := range rts {
				if r.Name == *m.Runtime {
					if base := r.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory]; mem.Cmp(base) < 0 {
						t.Errorf("%s: memory limit %s is under the runtime's sized %s", where, mem.String(), base.String())
					}
				}
			}
		}
	}
}

func TestPodDisruptionBudgetAndNetworkPolicy(t *testing.T) {
	deps := one[*appsv1.Deployment](t)
	for _, p := range one[*policyv1.PodDisruptionBudget](t) {
		sel, err := metav1.LabelSelectorAsMap(p.Spec.Selector)
		if err != nil || !slices.ContainsFunc(deps, func(d *appsv1.Deployment) bool { return labelsMatch(sel, d.Spec.Template.Labels) }) {
			t.Errorf("PodDisruptionBudget %s selects no Deployment", p.Name)
		}
	}
	for _, n := range one[*networkingv1.NetworkPolicy](t) {
		sel, err := metav1.LabelSelectorAsMap(&n.Spec.PodSelector)
		if err != nil || !slices.ContainsFunc(deps, func(d *appsv1.Deployment) bool { return labelsMatch(sel, d.Spec.Template.Labels) }) {
			t.Errorf("NetworkPolicy %s selects no Deployment", n.Name)
		}
		if !slices.Contains(n.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) || len(n.Spec.Egress) != 0 {
			t.Errorf("NetworkPolicy %s: the server needs no egress; deny it", n.Name)
		}
		names := map[string]bool{}
		for _, d := range deps {
			for _, p := range d.Spec.Template.Spec.Containers[0].Ports {
				names[p.Name] = true
			}
		}
		for _, r := range n.Spec.Ingress {
			for _, p := range r.Ports {
				if p.Port != nil && p.Port.Type == intstr.String && !names[p.Port.StrVal] {
					t.Errorf("NetworkPolicy %s: port %q is not a container port", n.Name, p.Port.StrVal)
				}
			}
		}
	}
}

func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var user, entry string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[1])
		case "USER":
			user = f[1]
		case "ENTRYPOINT":
			entry = strings.Join(f[1:], " ")
		case "ADD":
			t.Errorf("use COPY, not ADD: %s", line)
		}
	}
	if len(froms) < 2 {
		t.Fatalf("not multi-stage: %v", froms)
	}
	final := froms[len(froms)-1]
	if !strings.HasPrefix(final, "gcr.io/distroless/static") && final != "scratch" {
		t.Errorf("final stage %s: use distroless/static or scratch", final)
	}
	if !strings.Contains(string(data), "CGO_ENABLED=0") {
		t.Error("build with CGO_ENABLED=0 (a static binary)")
	}
	uid, _, _ := strings.Cut(user, ":")
	if uid == "" || uid == "0" || uid == "root" || strings.Trim(uid, "0123456789") != "" {
		t.Errorf("USER %q: run as a numeric non-root uid (Kubernetes runAsNonRoot checks it)", user)
	}
	if !strings.HasPrefix(entry, "[") {
		t.Errorf("ENTRYPOINT in exec form: %s", entry)
	}
	// The uid the manifests run as is the image's.
	for _, d := range one[*appsv1.Deployment](t) {
		if sc := d.Spec.Template.Spec.Containers[0].SecurityContext; sc != nil && sc.RunAsUser != nil && fmt.Sprint(*sc.RunAsUser) != uid {
			t.Errorf("Deployment %s runs as uid %d, the image as %s", d.Name, *sc.RunAsUser, uid)
		}
	}
}

// TestServeFlagsExist checks that every flag the manifests pass to
// `hlogate serve` is one the binary defines (skipped until serve exists).
func TestServeFlagsExist(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "hlogate")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/hlogate").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "serve", "--help")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Run()
	help := out.String()
	if strings.Contains(help, "unknown command") {
		t.Skip("hlogate has no serve command yet: the manifests' flags are unchecked")
	}
	var args [][]string
	for _, d := range one[*appsv1.Deployment](t) {
		args = append(args, d.Spec.Template.Spec.Containers[0].Args)
	}
	for _, rt := range one[*servingRuntime](t) {
		args = append(args, rt.Spec.Containers[0].Args)
	}
	for _, a := range args {
		for k := range serveFlags(t, "serve args", a) {
			if !regexp.MustCompile(`(?m)^\s+-{1,2}` + regexp.QuoteMeta(k) + `\b`).MatchString(help) {
				t.Errorf("hlogate serve has no flag --%s:\n%s", k, help)
			}
		}
	}
}
