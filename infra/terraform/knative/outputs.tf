output "applied" {
  description = "Every applied object, by its file under infra/knative/generated: kind/name."
  value       = { for k, m in local.manifests : k => "${m.kind}/${m.metadata.name}" }
}
