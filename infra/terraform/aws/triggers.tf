# Each event function reads its descriptor's topic through one MSK event source mapping; each
# schedule function and each job is ticked by one EventBridge Scheduler schedule; each request function is
# called on its function URL (lambda.tf). All of them invoke the function's alias "live".

locals {
  # What EventBridge Scheduler hands the schedule functions. Written out, not jsonencode()d:
  # jsonencode escapes "<" and ">" (\u003c, \u003e), and Scheduler replaces its context
  # attributes (<aws.scheduler.scheduled-time> ...) only where they appear literally. A job is
  # also told to go on with a run under way (it does nothing when there is none).
  job_input      = replace(local.schedule_input, "{", "{\"action\":\"continue\",")
  schedule_input = "{\"reason\":\"scheduled\",\"schedule\":\"<aws.scheduler.schedule-arn>\",\"scheduledTime\":\"<aws.scheduler.scheduled-time>\",\"executionId\":\"<aws.scheduler.execution-id>\",\"attempt\":\"<aws.scheduler.attempt-number>\"}"

  # How an event source mapping authenticates to MSK: IAM through the function's execution role
  # (no source access configuration), or the secret of kafka_auth.
  kafka_source_access = {
    iam   = []
    scram = [{ type = "SASL_SCRAM_512_AUTH", uri = var.kafka_secret_arn }]
    mtls  = [{ type = "CLIENT_CERTIFICATE_TLS_AUTH", uri = var.kafka_secret_arn }]
  }[var.kafka_auth]
}

resource "aws_lambda_event_source_mapping" "kafka" {
  for_each = local.event_functions

  # The alias's ARN, built from known names so a plan shows the target (the alias exists first).
  function_name     = local.alias_arns[each.key]
  event_source_arn  = var.msk_cluster_arn
  topics            = [each.value.topic]
  starting_position = var.kafka_starting_position
  batch_size        = lookup(var.kafka_batch_size_overrides, each.key, each.value.kafka_batch_size)

  amazon_managed_kafka_event_source_config {
    consumer_group_id = local.consumer_groups[each.key]
  }

  dynamic "source_access_configuration" {
    for_each = local.kafka_source_access
    content {
      type = source_access_configuration.value.type
      uri  = source_access_configuration.value.uri
    }
  }

  # Provisioned mode: for Kafka sources, AWS takes the error-handling settings below only in it.
  provisioned_poller_config {
    minimum_pollers = var.kafka_pollers.minimum
    maximum_pollers = var.kafka_pollers.maximum
  }

  # The function answers which records failed (Redis unavailable); only those are retried, up
  # to kafka_maximum_retry_attempts, splitting the batch to isolate them, then recorded in S3.
  function_response_types        = ["ReportBatchItemFailures"]
  maximum_retry_attempts         = var.kafka_maximum_retry_attempts
  bisect_batch_on_function_error = true

  # For Kafka mappings AWS takes an SNS topic, an SQS queue, an S3 bucket or a Kafka topic
  # (kafka://<topic>); provider 5.100 accepts only ARNs, and S3 is the one that keeps the record
  # itself (SNS and SQS get metadata only). Invalid events do not come here: the Lambda binding
  # copies them to the function's dead-letter topic (its role may write it) and reports them as
  # done, as the app's Kafka intake does.
  destination_config {
    on_failure {
      destination_arn = aws_s3_bucket.failures.arn
    }
  }

  depends_on = [aws_iam_role_policy.lambda, aws_lambda_alias.live]

  lifecycle {
    precondition {
      condition     = each.value.topic != null
      error_message = "functions/${each.key}/function.json: an event function needs trigger.topic."
    }
    precondition {
      condition     = each.value.kafka_batch_size != null || contains(keys(var.kafka_batch_size_overrides), each.key)
      error_message = "functions/${each.key}/function.json: an event function needs settings.kafkaBatchSize (or kafka_batch_size_overrides)."
    }
    precondition {
      condition     = lookup(var.kafka_batch_size_overrides, each.key, coalesce(each.value.kafka_batch_size, 1)) >= 1 && lookup(var.kafka_batch_size_overrides, each.key, coalesce(each.value.kafka_batch_size, 1)) <= 10000
      error_message = "functions/${each.key}/function.json: settings.kafkaBatchSize must be 1-10000 for an MSK event source."
    }
  }
}

resource "aws_scheduler_schedule" "tick" {
  for_each = local.scheduled_functions

  name                         = local.function_names[each.key]
  description                  = "Ticks the ${each.key} function (functions/${each.key}/function.json)."
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = local.alias_arns[each.key]
    role_arn = aws_iam_role.scheduler[each.key].arn
    # An explicit input: Scheduler delivers it as the event (not the "Scheduled Event" envelope of
    # a scheduled EventBridge rule). The sweeper accepts both and logs which came.
    input = each.value.kind == "job" ? local.job_input : local.schedule_input

    retry_policy {
      maximum_retry_attempts       = var.schedule_retry_attempts
      maximum_event_age_in_seconds = var.schedule_max_event_age_seconds
    }
  }

  depends_on = [aws_lambda_alias.live]

  lifecycle {
    precondition {
      condition     = each.value.schedule_expression != null
      error_message = "functions/${each.key}/function.json: a ${each.value.kind} function needs trigger.scheduleExpression for EventBridge Scheduler."
    }
  }
}
