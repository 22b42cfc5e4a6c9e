# Per function: any error in 5 minutes. Per event function (a profile "source"): freshness, the
# p99 lag from event time to profile write, from the metric the Lambda binding publishes in
# CloudWatch embedded metric format (var.freshness_metric).

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
  alarm_description   = "The p99 freshness lag of source ${each.key} stayed above ${var.freshness_lag_threshold_ms} ms for 5 minutes."
  namespace           = var.freshness_metric.namespace
  metric_name         = var.freshness_metric.name
  dimensions          = { (var.freshness_metric.dimension) = each.key }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.freshness_lag_threshold_ms
  comparison_operator = "GreaterThanThreshold"
  # No events, no metric: silence is the sweeper's "silent" alert, not this one.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
}
