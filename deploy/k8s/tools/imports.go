//go:build tools

// Package tools pins the Go programs and API packages that deploy/k8s/check
// builds: kustomize, and controller-gen over the prometheus-operator API
// types to produce the ServiceMonitor/PrometheusRule CRD schemas offline.
package tools

import (
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
)
