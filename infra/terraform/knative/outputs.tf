output "applied" {
  description = "Every applied object, by its file under infra/knative/generated: kind/name."
  value       = { for k, m in local.manifests : k => "${m.kind}/${m.metadata.name}" }
}

output "job_runs" {
  description = "The one-off job runs created from var.job_runs: function => Job name (kubectl logs -f job/<name> follows one)."
  value       = { for name, m in local.job_runs : name => m.metadata.name }
}
