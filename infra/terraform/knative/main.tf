# Applies the Knative manifests generated from functions/*/function.json (infra/knative/generated,
# one Kubernetes object per file) into one namespace. The files hold placeholders for the image and
# the Kafka bootstrap servers; they are replaced here. Nothing in this module restates a function:
# a new functions/<name>/function.json only needs its manifests regenerated.
#
# kubernetes_manifest reads each kind's schema from the cluster at plan time, so Knative Serving,
# Knative Eventing and the Kafka extension (KafkaSource, KafkaSink, Kafka Broker) must be installed
# in the cluster before `terraform plan`.

locals {
  manifests_dir = coalesce(var.manifests_dir, "${path.module}/../../knative/generated")

  # The exact placeholder strings the generator writes (KnativeManifests.IMAGE / KAFKA_BOOTSTRAP).
  image_placeholder     = "registry.example.com/profile-functions:0.1.0"
  bootstrap_placeholder = "my-cluster-kafka-bootstrap.kafka:9092"

  decoded = {
    for f in fileset(local.manifests_dir, "**/*.yaml") :
    trimsuffix(f, ".yaml") => yamldecode(
      replace(
        replace(file("${local.manifests_dir}/${f}"), local.image_placeholder, var.image),
        local.bootstrap_placeholder, var.kafka_bootstrap_servers
      )
    )
  }

  # A job (the rebuild) runs as soon as it is created, so it is not applied with the rest: only a
  # run asked for in var.job_runs, named after its run id.
  role_label     = "profiles.example.com/role"
  function_label = "profiles.example.com/function"
  manifests      = { for k, m in local.decoded : k => m if try(m.metadata.labels[local.role_label], "") != "job" }
  jobs           = { for k, m in local.decoded : m.metadata.labels[local.function_label] => m if try(m.metadata.labels[local.role_label], "") == "job" }
  job_runs = {
    for name, run in var.job_runs : name => merge(local.jobs[name], {
      metadata = merge(
        { for k, v in local.jobs[name].metadata : k => v if k != "generateName" },
        { name = "${local.jobs[name].metadata.generateName}${run}" }
      )
    }) if contains(keys(local.jobs), name)
  }
}

resource "kubernetes_manifest" "generated" {
  for_each = local.manifests

  manifest = merge(each.value, {
    metadata = merge(each.value.metadata, { namespace = var.namespace })
  })

  # Knative's webhooks add annotations (serving.knative.dev/creator, lastModifier) and labels.
  computed_fields = ["metadata.annotations", "metadata.labels"]

  field_manager {
    name = "terraform-profile-functions"
  }
}

# One run of a one-off job per entry of var.job_runs. Terraform does not wait for it to finish: its
# progress is in its log and metrics (docs/operations.md, "Rebuilding the profiles").
resource "kubernetes_manifest" "job_run" {
  for_each = local.job_runs

  manifest = merge(each.value, {
    metadata = merge(each.value.metadata, { namespace = var.namespace })
  })

  computed_fields = ["metadata.annotations", "metadata.labels", "spec.selector", "spec.template.metadata.labels"]

  field_manager {
    name = "terraform-profile-functions"
  }

  lifecycle {
    precondition {
      condition     = alltrue([for name in keys(var.job_runs) : contains(keys(local.jobs), name)])
      error_message = "job_runs names ${jsonencode(keys(var.job_runs))}; the jobs are ${jsonencode(keys(local.jobs))} (functions of kind job)."
    }
  }
}
