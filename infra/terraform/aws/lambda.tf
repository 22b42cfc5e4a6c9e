# One Lambda per function, all from the same artifact, the function picked by QUARKUS_FUNQY_EXPORT.
# var.packaging chooses how that artifact runs:
#   jvm    - managed runtime java21; the handler below wraps Quarkus's Funqy stream handler
#            (io.quarkus.funqy.lambda.FunqyStreamHandler) and hands the functions the invocation's
#            Context, so each batch's Redis work ends before the function's timeout. SnapStart
#            snapshots each published version after the start-up (and the priming hook) ran.
#   native - custom runtime provided.al2023; Lambda runs the zip's "bootstrap" (the handler name is
#            not used), which starts the native executable; it polls the Runtime API itself.
# Every trigger (event source mapping, schedule, function URL) points at the alias "live", which
# follows the version each apply publishes: SnapStart applies to published versions only.

locals {
  jvm            = var.packaging == "jvm"
  lambda_runtime = local.jvm ? "java21" : "provided.al2023"
  lambda_handler = local.jvm ? "com.example.profiles.lambda.ProfileLambdaHandler::handleRequest" : "bootstrap"
  snapstart      = local.jvm && var.snapstart

  alias_name = "live"
  alias_arns = { for name, arn in local.function_arns : name => "${arn}:${local.alias_name}" }

  # What every function is told, in one place. The output function_environment shows it in a plan
  # (all known but the Redis endpoint; a resource's map with one unknown value shows as wholly
  # unknown): the Lambda runtime test starts the packaged artifact with exactly this.
  lambda_environment = {
    for name, f in local.functions : name => merge(
      {
        QUARKUS_FUNQY_EXPORT = name
        # TLS (rediss://); the AUTH token is in the secret, not in the environment.
        REDIS_URL                 = "rediss://${local.redis_endpoint}:6379"
        QUARKUS_REDIS_CLIENT_TYPE = var.redis_cluster_mode ? "cluster" : "standalone"
        KAFKA_BOOTSTRAP_SERVERS   = var.msk_bootstrap_servers
        # How the app's Kafka producer (dead letters, refresh requests, alerts) authenticates.
        PROFILES_KAFKA_AUTH = var.kafka_auth
        # The secret (by name, which the extension takes as well as an ARN): JSON with
        # REDIS_AUTH_TOKEN and PROFILE_HASH_KEY, read at start through the extension layer.
        PROFILES_SECRET_ID = local.secret_name
        # Raised to write new secret values: a changed configuration publishes new versions, whose
        # SnapStart snapshots then hold the new values read at start.
        PROFILES_SECRET_VERSION = tostring(var.secret_version)
        # Only where the Runtime API's Context is not handed to the functions (the native poll
        # loop): the budget each invocation's work is bounded by, measured from its start.
        PROFILES_LAMBDA_TIMEOUT = "${f.timeout_seconds}s"
      },
      # A job's own consumer group per environment (its offsets are where a stopped run goes on),
      # and its rate limit, from the descriptor.
      f.kind == "job" ? merge(
        { "PROFILES_${upper(name)}_GROUP_PREFIX" = "${local.prefix}-${name}-g" },
        f.max_events_per_second == null ? {} : { "PROFILES_${upper(name)}_MAX_EVENTS_PER_SECOND" = tostring(f.max_events_per_second) },
      ) : {},
      var.kafka_auth == "iam" ? {} : { PROFILES_KAFKA_SECRET_ID = var.kafka_secret_arn },
      # Quarkus's native build sets this for the executable too (sam.native.yaml); the zip's
      # bootstrap script sets it as well, so the package is right whatever deploys it.
      local.jvm ? {} : { DISABLE_SIGNAL_HANDLERS = "true" },
    )
  }
}

resource "aws_s3_object" "artifact" {
  for_each = local.artifact_objects

  bucket      = var.artifact_bucket
  key         = each.value
  source      = each.key
  source_hash = fileexists(each.key) ? filemd5(each.key) : null
}

resource "aws_cloudwatch_log_group" "lambda" {
  for_each = local.functions

  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
}

resource "aws_lambda_function" "fn" {
  for_each = local.functions

  function_name = local.function_names[each.key]
  description   = "Profile function ${each.key} (${each.value.kind}: ${each.value.event_type}), ${var.packaging} packaging"
  role          = aws_iam_role.lambda[each.key].arn

  runtime       = local.lambda_runtime
  handler       = local.lambda_handler
  architectures = [var.lambda_architecture]

  # Uploaded with the function, or deployed from the artifact bucket. A missing zip fails the apply
  # (not the plan), so plans and tests need no build.
  filename         = var.artifact_bucket == null ? local.artifacts[each.key] : null
  s3_bucket        = var.artifact_bucket
  s3_key           = var.artifact_bucket == null ? null : aws_s3_object.artifact[local.artifacts[each.key]].key
  source_code_hash = fileexists(local.artifacts[each.key]) ? filebase64sha256(local.artifacts[each.key]) : null

  # Every apply that changes the code or configuration publishes a version; the alias follows it.
  publish = true

  dynamic "snap_start" {
    for_each = local.snapstart ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  # The AWS Parameters and Secrets Lambda Extension: the application reads PROFILES_SECRET_ID
  # (and PROFILES_KAFKA_SECRET_ID) through it at start (LambdaSecretsConfigSource), without an
  # AWS SDK in the function.
  layers = [var.secrets_extension_layer_arn]

  memory_size = local.memory_mb[each.key]
  timeout     = each.value.timeout_seconds
  # A job's invocations must not overlap (two would read the same history and step the same switch).
  reserved_concurrent_executions = lookup(var.reserved_concurrency, each.key, each.value.kind == "job" ? 1 : -1)

  environment {
    variables = local.lambda_environment[each.key]
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
      condition     = local.memory_mb[each.key] >= 128 && local.memory_mb[each.key] <= 10240 && each.value.timeout_seconds >= 1 && each.value.timeout_seconds <= 900
      error_message = "functions/${each.key}/function.json: settings.memoryMb (or memory_mb_overrides) must be 128-10240 and settings.timeoutSeconds 1-900 on Lambda."
    }
    precondition {
      condition     = contains(["event", "schedule", "request", "job"], each.value.kind)
      error_message = "functions/${each.key}/function.json: trigger.kind '${each.value.kind}' has no Lambda wiring here (event, schedule, request or job)."
    }
    precondition {
      condition     = each.value.kind != "job" || lookup(var.reserved_concurrency, each.key, 1) == 1
      error_message = "${each.key} is a job: its reserved concurrency must be 1, so two invocations never run it at once."
    }
    precondition {
      condition     = length(setsubtract(keys(var.reserved_concurrency), keys(local.functions))) == 0
      error_message = "reserved_concurrency names functions that do not exist: ${join(", ", setsubtract(keys(var.reserved_concurrency), keys(local.functions)))}."
    }
  }
}

# A job's invocations come from its schedule, asynchronously: one throttled because a run is under
# way (concurrency 1) is dropped rather than queued, as the next tick asks again anyway.
resource "aws_lambda_function_event_invoke_config" "job" {
  for_each = local.job_functions

  function_name                = aws_lambda_function.fn[each.key].function_name
  qualifier                    = aws_lambda_alias.live[each.key].name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 60
}

# The triggers' target: always the version the last apply published (SnapStart's snapshot).
resource "aws_lambda_alias" "live" {
  for_each = local.functions

  name             = local.alias_name
  description      = "The version the last apply published; every trigger invokes this alias."
  function_name    = aws_lambda_function.fn[each.key].function_name
  function_version = aws_lambda_function.fn[each.key].version
}

# Request functions (profile) answer GET /profiles/{id} on a function URL of the alias, signed
# requests only (IAM auth).
resource "aws_lambda_function_url" "request" {
  for_each = local.request_functions

  function_name      = aws_lambda_function.fn[each.key].function_name
  qualifier          = aws_lambda_alias.live[each.key].name
  authorization_type = "AWS_IAM"
}

# Since October 2025 a function URL call needs both lambda:InvokeFunctionUrl and
# lambda:InvokeFunction; these grant both to the principals named in profile_reader_principals.
resource "aws_lambda_permission" "url_readers" {
  for_each = {
    for pair in setproduct(keys(local.request_functions), range(length(var.profile_reader_principals))) :
    "${pair[0]}/${pair[1]}" => { function = pair[0], principal = var.profile_reader_principals[pair[1]] }
  }

  statement_id           = "url-reader-${replace(each.key, "/", "-")}"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.fn[each.value.function].function_name
  qualifier              = aws_lambda_alias.live[each.value.function].name
  principal              = each.value.principal
  function_url_auth_type = "AWS_IAM"
}

resource "aws_lambda_permission" "url_readers_invoke" {
  for_each = aws_lambda_permission.url_readers

  statement_id  = "url-reader-invoke-${replace(each.key, "/", "-")}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.qualifier
  principal     = each.value.principal
}
