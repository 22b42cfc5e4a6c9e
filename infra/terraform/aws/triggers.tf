# Each event function reads its descriptor's topic through one MSK event source mapping; each
# schedule function is ticked by one EventBridge Scheduler schedule. Request functions have no
# trigger: callers invoke them (lambda:InvokeFunction in the caller's own policy).

resource "aws_lambda_event_source_mapping" "kafka" {
  for_each = local.event_functions

  function_name     = aws_lambda_function.fn[each.key].arn
  event_source_arn  = var.msk_cluster_arn
  topics            = [each.value.topic]
  starting_position = var.kafka_starting_position
  batch_size        = lookup(var.kafka_batch_size_overrides, each.key, each.value.kafka_batch_size)

  amazon_managed_kafka_event_source_config {
    consumer_group_id = local.consumer_groups[each.key]
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
  # itself (SNS and SQS get metadata only). Invalid events are not meant to come here: the Lambda
  # binding is to copy them to the function's dead-letter topic (its role may write it) and report
  # them as done, as the app's Kafka intake does.
  destination_config {
    on_failure {
      destination_arn = aws_s3_bucket.failures.arn
    }
  }

  depends_on = [aws_iam_role_policy.lambda]

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
  for_each = local.schedule_functions

  name                         = local.function_names[each.key]
  description                  = "Ticks the ${each.key} function (functions/${each.key}/function.json)."
  schedule_expression          = each.value.schedule_expression
  schedule_expression_timezone = "UTC"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.fn[each.key].arn
    role_arn = aws_iam_role.scheduler[each.key].arn
    # The same data as the Knative PingSource's tick.
    input = jsonencode({ reason = "scheduled" })

    retry_policy {
      maximum_retry_attempts       = var.schedule_retry_attempts
      maximum_event_age_in_seconds = var.schedule_max_event_age_seconds
    }
  }

  lifecycle {
    precondition {
      condition     = each.value.schedule_expression != null
      error_message = "functions/${each.key}/function.json: a schedule function needs trigger.scheduleExpression for EventBridge Scheduler."
    }
  }
}
