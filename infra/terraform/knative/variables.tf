variable "namespace" {
  description = "Namespace the functions, their triggers and the Broker are applied into. It must exist, and so must the Secret 'profile-functions' in it (see infra/knative/README.md)."
  type        = string
  default     = "profiles"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)."
  }
}

variable "image" {
  description = "Container image of the function app (all functions are in one image), e.g. registry.example.com/profile-functions:0.1.0. Replaces the placeholder in the generated manifests."
  type        = string

  validation {
    condition     = length(trimspace(var.image)) > 0 && !can(regex("\\s", var.image))
    error_message = "image must be a non-empty image reference without spaces."
  }
}

variable "kafka_bootstrap_servers" {
  description = "Kafka bootstrap servers (host:port[,host:port...]) for the Kafka Broker, the KafkaSources and the dead-letter KafkaSinks. Replaces the placeholder in the generated manifests."
  type        = string

  validation {
    condition     = can(regex("^[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*$", var.kafka_bootstrap_servers))
    error_message = "kafka_bootstrap_servers must be host:port, comma-separated for several."
  }
}

variable "kubeconfig_path" {
  description = "Path of the kubeconfig file to use."
  type        = string
  default     = "~/.kube/config"
}

variable "kubeconfig_context" {
  description = "Context of the kubeconfig to use; null uses its current context."
  type        = string
  default     = null
}

variable "manifests_dir" {
  description = "Folder of the generated manifests (one object per file). Defaults to infra/knative/generated of this repository."
  type        = string
  default     = null
}

variable "job_runs" {
  description = "One-off jobs to run, by function (a function of kind job, e.g. rebuild) => a run id, e.g. { rebuild = \"2026-12-07\" }: each entry creates the Job <generateName><id>, a new id runs the job again, and removing the entry deletes the finished Job."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for run in values(var.job_runs) : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", run)) && length(run) <= 40])
    error_message = "each run id must be lower-case letters, digits and '-' (at most 40), so the Job's name is a DNS-1123 label."
  }
}
