output "function_arns" {
  description = "Lambda ARN of every function, by name."
  value       = { for name, fn in aws_lambda_function.fn : name => fn.arn }
}

output "alias_arns" {
  description = "ARN of every function's alias \"live\" (the published version every trigger invokes), by name."
  value       = { for name, a in aws_lambda_alias.live : name => a.arn }
}

output "function_urls" {
  description = "Function URL of every request function (profile), by name: GET <url>profiles/<userId>, signed with SigV4 (service lambda)."
  value       = { for name, u in aws_lambda_function_url.request : name => u.function_url }
}

output "profile_reader_policy_json" {
  description = "An identity policy for callers of the request functions' URLs in this account (both actions are needed since October 2025)."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadProfiles"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"]
      Resource = [for name, f in local.request_functions : local.alias_arns[name]]
    }]
  })
}

output "function_names" {
  description = "Lambda function name of every function, by name."
  value       = local.function_names
}

output "schedule_arns" {
  description = "EventBridge Scheduler schedule ARN of every schedule function (the sweeper), by name."
  value       = { for name, s in aws_scheduler_schedule.tick : name => s.arn }
}

output "event_source_mapping_uuids" {
  description = "MSK event source mapping of every event function, by name."
  value       = { for name, m in aws_lambda_event_source_mapping.kafka : name => m.uuid }
}

output "redis_endpoint" {
  description = "Redis endpoint (the configuration endpoint in cluster mode), TLS on port 6379."
  value       = local.redis_endpoint
}

output "secret_arn" {
  description = "Secrets Manager secret holding REDIS_AUTH_TOKEN and PROFILE_HASH_KEY."
  value       = aws_secretsmanager_secret.app.arn
}

output "failure_bucket" {
  description = "S3 bucket where the Kafka event source mappings record the batches they gave up on."
  value       = aws_s3_bucket.failures.bucket
}

output "lambda_security_group_id" {
  description = "Security group of the functions (allow it wherever they must connect)."
  value       = aws_security_group.lambda.id
}

output "function_environment" {
  description = "The environment of every function's Lambda, by name (no secret values: the secrets are named, and read at start)."
  value       = local.lambda_environment
}

output "job_start_commands" {
  description = "For each job (functions of kind job, e.g. rebuild): the command that starts a run. Its schedule then goes on with it every scheduleExpression until it is done; its log group shows the progress."
  value = {
    for name, f in local.job_functions : name => "aws lambda invoke --function-name ${local.alias_arns[name]} --invocation-type Event --cli-binary-format raw-in-base64-out --payload '{\"action\":\"start\"}' /dev/null"
  }
}
