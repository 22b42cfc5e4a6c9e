# Everything per function is driven by functions/*/function.json: a new descriptor gets its Lambda,
# role, log group, trigger and alarms from the next plan, with nothing restated here.

locals {
  functions_dir = "${path.module}/../../../functions"

  descriptor_files = sort(fileset(local.functions_dir, "*/function.json"))

  # Normalised to one shape: descriptors differ in which trigger fields they have.
  functions = {
    for f in local.descriptor_files : jsondecode(file("${local.functions_dir}/${f}")).name => {
      folder                = dirname(f)
      event_type            = jsondecode(file("${local.functions_dir}/${f}")).eventType
      kind                  = jsondecode(file("${local.functions_dir}/${f}")).trigger.kind
      topic                 = try(jsondecode(file("${local.functions_dir}/${f}")).trigger.topic, null)
      dead_letter_topic     = try(jsondecode(file("${local.functions_dir}/${f}")).trigger.deadLetterTopic, null)
      format                = try(jsondecode(file("${local.functions_dir}/${f}")).trigger.format, "cloudevents")
      schedule_expression   = try(jsondecode(file("${local.functions_dir}/${f}")).trigger.scheduleExpression, null)
      memory_mb             = jsondecode(file("${local.functions_dir}/${f}")).settings.memoryMb
      timeout_seconds       = jsondecode(file("${local.functions_dir}/${f}")).settings.timeoutSeconds
      kafka_batch_size      = try(jsondecode(file("${local.functions_dir}/${f}")).settings.kafkaBatchSize, null)
      max_events_per_second = try(jsondecode(file("${local.functions_dir}/${f}")).settings.maxEventsPerSecond, null)
      # The freshness-lag alert threshold of the source the function writes: the same value the
      # application reads from this descriptor for its own alert and exports to Prometheus.
      lag_threshold_seconds = try(jsondecode(file("${local.functions_dir}/${f}")).settings.freshnessLagP99ThresholdSeconds, null)
    }
  }

  event_functions    = { for name, f in local.functions : name => f if f.kind == "event" }
  schedule_functions = { for name, f in local.functions : name => f if f.kind == "schedule" }
  # A job (the rebuild) runs in invocations that each go on where the last stopped: asked to go on
  # at every scheduleExpression (it does nothing when no run is under way), started by an operator.
  job_functions = { for name, f in local.functions : name => f if f.kind == "job" }
  # What EventBridge Scheduler invokes: schedule functions and jobs.
  scheduled_functions = merge(local.schedule_functions, local.job_functions)

  prefix = "${var.name_prefix}-${var.environment}"

  function_names = { for name, f in local.functions : name => "${local.prefix}-${name}" }

  # One artifact for every function, built by either packaging (see var.packaging).
  artifact = coalesce(var.artifact, "${path.module}/../../../src/lambda/target/function.zip")
  artifacts = {
    for name, f in local.functions : name => lookup(var.artifacts, name, local.artifact)
  }

  # With artifact_bucket, each distinct zip is uploaded once, under a key made of its hash, so a new
  # build is a new object (and a new function version) and an unchanged one is not uploaded again.
  artifact_objects = var.artifact_bucket == null ? {} : {
    for path in distinct(values(local.artifacts)) : path => "profile-functions/${fileexists(path) ? replace(filebase64sha256(path), "/[^A-Za-z0-9]/", "") : "not-built-yet"}.zip"
  }

  request_functions = { for name, f in local.functions : name => f if f.kind == "request" }

  memory_mb = { for name, f in local.functions : name => lookup(var.memory_mb_overrides, name, f.memory_mb) }
}
