# Per function: any error in 5 minutes. Per event function (a profile "source"): freshness, the
# p99 lag from event time to profile write, from the metric the Lambda binding publishes in
# CloudWatch embedded metric format (var.freshness_metric), above the source's threshold from its
# descriptor (settings.freshnessLagP99ThresholdSeconds), the one value the app's own lag alert and
# the Prometheus rule use too.

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each = local.functions

  alarm_name          = "${local.function_names[each.key]}-errors"
  alarm_description   = "The ${each.key} function reported errors in the last 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = local.function_names[each.key] }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}

resource "aws_cloudwatch_metric_alarm" "freshness" {
  for_each = local.event_functions

  alarm_name          = "${local.function_names[each.key]}-freshness"
  alarm_description   = "The p99 freshness lag of source ${each.key} went above ${each.value.lag_threshold_seconds} s (functions/${each.key}/function.json) in the last 5 minutes."
  namespace           = var.freshness_metric.namespace
  metric_name         = var.freshness_metric.name
  dimensions          = { (var.freshness_metric.dimension) = each.key }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = each.value.lag_threshold_seconds * 1000
  comparison_operator = "GreaterThanThreshold"
  # No events, no metric: silence is the sweeper's "silent" alert, not this one.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions

  lifecycle {
    precondition {
      condition     = try(each.value.lag_threshold_seconds > 0, false)
      error_message = "functions/${each.key}/function.json needs settings.freshnessLagP99ThresholdSeconds (a number above 0): the freshness alarm's threshold."
    }
  }
}
