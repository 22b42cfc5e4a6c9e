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

  manifests = {
    for f in fileset(local.manifests_dir, "**/*.yaml") :
    trimsuffix(f, ".yaml") => yamldecode(
      replace(
        replace(file("${local.manifests_dir}/${f}"), local.image_placeholder, var.image),
        local.bootstrap_placeholder, var.kafka_bootstrap_servers
      )
    )
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
