# One Lambda per function: the native executable of the Quarkus Lambda build (runtime
# provided.al2023), the function picked by QUARKUS_FUNQY_EXPORT.

resource "aws_cloudwatch_log_group" "lambda" {
  for_each = local.functions

  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "fn" {
  for_each = local.functions

  function_name = local.function_names[each.key]
  description   = "Profile function ${each.key} (${each.value.kind}: ${each.value.event_type})"
  role          = aws_iam_role.lambda[each.key].arn

  # A custom runtime runs the zip's "bootstrap" executable; the handler name is not used.
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = [var.lambda_architecture]

  filename = local.artifacts[each.key]
  # A missing zip fails the apply (not the plan), so plans and tests need no build.
  source_code_hash = fileexists(local.artifacts[each.key]) ? filebase64sha256(local.artifacts[each.key]) : null

  # The AWS Parameters and Secrets Lambda Extension: the application reads PROFILES_SECRET_ARN
  # through it at start (LambdaSecretsConfigSource), without an AWS SDK in the function.
  layers = [var.secrets_extension_layer_arn]

  memory_size                    = each.value.memory_mb
  timeout                        = each.value.timeout_seconds
  reserved_concurrent_executions = lookup(var.reserved_concurrency, each.key, -1)

  environment {
    variables = merge(local.runtime_switches, {
      QUARKUS_FUNQY_EXPORT = each.key
      # TLS (rediss://); the AUTH token is in the secret, not in the environment.
      REDIS_URL                 = "rediss://${local.redis_endpoint}:6379"
      QUARKUS_REDIS_CLIENT_TYPE = var.redis_cluster_mode ? "cluster" : "standalone"
      KAFKA_BOOTSTRAP_SERVERS   = var.msk_bootstrap_servers
      # JSON with REDIS_AUTH_TOKEN and PROFILE_HASH_KEY, read at start through the extension layer.
      PROFILES_SECRET_ARN = aws_secretsmanager_secret.app.arn
    })
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  depends_on = [aws_cloudwatch_log_group.lambda, aws_iam_role_policy.lambda]

  lifecycle {
    precondition {
      condition     = each.value.folder == each.key
      error_message = "functions/${each.value.folder}/function.json says its name is '${each.key}'; it must match its folder."
    }
    precondition {
      condition     = each.value.memory_mb >= 128 && each.value.memory_mb <= 10240 && each.value.timeout_seconds >= 1 && each.value.timeout_seconds <= 900
      error_message = "functions/${each.key}/function.json: settings.memoryMb must be 128-10240 and settings.timeoutSeconds 1-900 on Lambda."
    }
  }
}
