# Plans the module against a mocked AWS provider (no account, no network) and checks that every
# function in functions/ is wired as its descriptor says. The expected counts come from the
# descriptors themselves, read here independently of the module's own locals.

mock_provider "aws" {
  # Computed attributes (ARNs, the Redis endpoint) get mock values already in plan runs, so
  # conditions can compare them (e.g. a trigger's target with its alias).
  override_during = plan

  mock_resource "aws_elasticache_replication_group" {
    defaults = {
      configuration_endpoint_address = "profiles-test-redis.abc123.clustercfg.euw1.cache.amazonaws.com"
      primary_endpoint_address       = "profiles-test-redis.abc123.ng.0001.euw1.cache.amazonaws.com"
    }
  }

  # The partition is read from a data source; a mock would make it a random string.
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
}

variables {
  aws_region            = "eu-west-1"
  aws_account_id        = "123456789012"
  environment           = "test"
  vpc_id                = "vpc-0123456789abcdef0"
  subnet_ids            = ["subnet-0123456789abcdef0", "subnet-0fedcba987654321f"]
  msk_cluster_arn       = "arn:aws:kafka:eu-west-1:123456789012:cluster/shop/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2"
  msk_bootstrap_servers = "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9098,b-2.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9098"
  msk_security_group_id = "sg-0123456789abcdef0"
  redis_auth_token      = "test-only-token-0123456789"
  profile_hash_key      = "test-only-hash-key-0123456789abcdef"

  secrets_extension_layer_arn = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
}

run "one_lambda_role_log_group_and_alarm_per_function" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.fn) == length(fileset("${path.module}/../../../functions", "*/function.json"))
    error_message = "Expected one Lambda per functions/*/function.json."
  }
  assert {
    condition     = length(aws_iam_role.lambda) == length(fileset("${path.module}/../../../functions", "*/function.json"))
    error_message = "Expected one execution role per function."
  }
  assert {
    condition     = length(aws_cloudwatch_log_group.lambda) == length(aws_lambda_function.fn) && length(aws_cloudwatch_metric_alarm.errors) == length(aws_lambda_function.fn)
    error_message = "Expected one log group and one error alarm per function."
  }
  assert {
    condition = alltrue([
      for f in fileset("${path.module}/../../../functions", "*/function.json") :
      aws_lambda_function.fn[jsondecode(file("${path.module}/../../../functions/${f}")).name].environment[0].variables["QUARKUS_FUNQY_EXPORT"] == jsondecode(file("${path.module}/../../../functions/${f}")).name
    ])
    error_message = "Each Lambda must export exactly its own function (QUARKUS_FUNQY_EXPORT)."
  }
  assert {
    condition = alltrue([
      for f in fileset("${path.module}/../../../functions", "*/function.json") :
      aws_lambda_function.fn[jsondecode(file("${path.module}/../../../functions/${f}")).name].memory_size == jsondecode(file("${path.module}/../../../functions/${f}")).settings.memoryMb
      && aws_lambda_function.fn[jsondecode(file("${path.module}/../../../functions/${f}")).name].timeout == jsondecode(file("${path.module}/../../../functions/${f}")).settings.timeoutSeconds
    ])
    error_message = "Memory and timeout must come from the descriptors' settings."
  }
  assert {
    condition = alltrue([
      for f in fileset("${path.module}/../../../functions", "*/function.json") :
      aws_cloudwatch_metric_alarm.freshness[jsondecode(file("${path.module}/../../../functions/${f}")).name].threshold == jsondecode(file("${path.module}/../../../functions/${f}")).settings.freshnessLagP99ThresholdSeconds * 1000
      if jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind == "event"
    ])
    error_message = "Each freshness alarm's threshold must be its descriptor's settings.freshnessLagP99ThresholdSeconds, in milliseconds."
  }
  assert {
    condition     = alltrue([for fn in aws_lambda_function.fn : fn.vpc_config[0].subnet_ids == toset(var.subnet_ids)])
    error_message = "Every Lambda runs inside the VPC."
  }
  assert {
    condition     = alltrue([for name, fn in aws_lambda_function.fn : jsonencode(fn.environment[0].variables) == jsonencode(output.function_environment[name])])
    error_message = "The output function_environment (read by the Lambda runtime test) must be exactly what each Lambda is given."
  }
  assert {
    condition     = alltrue([for name, fn in aws_lambda_function.fn : !contains(keys(fn.environment[0].variables), "PROFILE_HASH_KEY") && !contains(keys(fn.environment[0].variables), "REDIS_AUTH_TOKEN")])
    error_message = "No secret value may be in a Lambda's environment: the functions read them from Secrets Manager."
  }
}

run "a_new_secret_version_changes_every_function_so_new_snapshots_are_published" {
  command = plan

  variables {
    secret_version = 7
  }

  assert {
    condition     = alltrue([for fn in aws_lambda_function.fn : fn.environment[0].variables["PROFILES_SECRET_VERSION"] == "7"])
    error_message = "SnapStart snapshots hold the secrets read at start: a new secret_version must change each function's configuration."
  }
}

run "jvm_packaging_runs_java21_with_the_handler_snapstart_and_an_alias" {
  command = plan

  assert {
    condition = alltrue([for fn in aws_lambda_function.fn :
      fn.runtime == "java21" && fn.handler == "com.example.profiles.lambda.ProfileLambdaHandler::handleRequest"
      && fn.publish && length(fn.snap_start) == 1 && fn.snap_start[0].apply_on == "PublishedVersions"
    ])
    error_message = "packaging = jvm: runtime java21, the project's stream handler, published versions with SnapStart."
  }
  assert {
    condition     = alltrue([for name, fn in aws_lambda_function.fn : !contains(keys(fn.environment[0].variables), "DISABLE_SIGNAL_HANDLERS")])
    error_message = "DISABLE_SIGNAL_HANDLERS is for the native executable only."
  }
  assert {
    condition     = length(aws_lambda_alias.live) == length(aws_lambda_function.fn) && alltrue([for a in aws_lambda_alias.live : a.name == "live"])
    error_message = "Every function has the alias live."
  }
}

run "native_packaging_runs_the_bootstrap_on_provided_al2023_without_snapstart" {
  command = plan

  variables {
    packaging = "native"
    snapstart = false
  }

  assert {
    condition     = alltrue([for fn in aws_lambda_function.fn : fn.runtime == "provided.al2023" && fn.handler == "bootstrap" && length(fn.snap_start) == 0])
    error_message = "packaging = native: the custom runtime provided.al2023 runs the zip's bootstrap; no SnapStart."
  }
  assert {
    condition     = alltrue([for fn in aws_lambda_function.fn : fn.environment[0].variables["DISABLE_SIGNAL_HANDLERS"] == "true"])
    error_message = "The native executable must not install signal handlers in the Lambda sandbox."
  }
}

run "snapstart_with_the_native_packaging_is_refused" {
  command = plan

  variables {
    packaging = "native"
  }

  expect_failures = [var.snapstart]
}

run "an_unknown_packaging_is_refused" {
  command = plan

  variables {
    packaging = "container"
    snapstart = false
  }

  expect_failures = [var.packaging]
}

run "the_arm64_extension_layer_with_x86_64_functions_is_refused" {
  command = plan

  variables {
    secrets_extension_layer_arn = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }

  expect_failures = [var.secrets_extension_layer_arn]
}

run "the_x86_64_extension_layer_with_arm64_functions_is_refused" {
  command = plan

  variables {
    lambda_architecture = "arm64"
  }

  expect_failures = [var.secrets_extension_layer_arn]
}

run "arm64_functions_with_the_arm64_layer_plan" {
  command = plan

  variables {
    lambda_architecture         = "arm64"
    secrets_extension_layer_arn = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
  }

  assert {
    condition     = alltrue([for fn in aws_lambda_function.fn : one(fn.architectures) == "arm64"])
    error_message = "lambda_architecture applies to every function."
  }
}

run "a_layer_of_another_region_is_refused" {
  command = plan

  variables {
    secrets_extension_layer_arn = "arn:aws:lambda:us-east-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12"
  }

  expect_failures = [var.secrets_extension_layer_arn]
}

run "every_trigger_invokes_the_alias" {
  command = plan

  assert {
    condition     = alltrue([for name, m in aws_lambda_event_source_mapping.kafka : m.function_name == "arn:aws:lambda:eu-west-1:123456789012:function:profiles-test-${name}:live"])
    error_message = "Each event source mapping invokes its function's alias (the published, snapshotted version)."
  }
  assert {
    condition     = alltrue([for name, s in aws_scheduler_schedule.tick : s.target[0].arn == "arn:aws:lambda:eu-west-1:123456789012:function:profiles-test-${name}:live"])
    error_message = "Each schedule invokes its function's alias."
  }
  assert {
    condition     = alltrue([for name, u in aws_lambda_function_url.request : u.qualifier == "live"])
    error_message = "Each function URL serves the alias."
  }
}

run "request_functions_get_an_iam_function_url_and_nothing_else_does" {
  command = plan

  variables {
    profile_reader_principals = ["arn:aws:iam::123456789012:role/personalization-engine"]
  }

  assert {
    condition = toset(keys(aws_lambda_function_url.request)) == toset([
      for f in fileset("${path.module}/../../../functions", "*/function.json") : jsondecode(file("${path.module}/../../../functions/${f}")).name
      if jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind == "request"
    ])
    error_message = "Exactly the request functions (profile) get a function URL."
  }
  assert {
    condition     = alltrue([for u in aws_lambda_function_url.request : u.authorization_type == "AWS_IAM"])
    error_message = "Function URLs take signed requests only (AWS_IAM)."
  }
  assert {
    condition = alltrue([for p in aws_lambda_permission.url_readers : p.action == "lambda:InvokeFunctionUrl" && p.function_url_auth_type == "AWS_IAM" && p.qualifier == "live"]) && alltrue([
    for p in aws_lambda_permission.url_readers_invoke : p.action == "lambda:InvokeFunction" && p.qualifier == "live"]) && length(aws_lambda_permission.url_readers) == 1 && length(aws_lambda_permission.url_readers_invoke) == 1
    error_message = "A URL reader gets lambda:InvokeFunctionUrl and lambda:InvokeFunction on the alias, nothing more."
  }
}

run "the_scheduler_sends_an_explicit_input_with_its_context_attributes" {
  command = plan

  assert {
    condition     = alltrue([for s in aws_scheduler_schedule.tick : jsondecode(s.target[0].input).reason == "scheduled"])
    error_message = "The schedule's input must be JSON with reason = scheduled."
  }
  assert {
    condition = alltrue([for s in aws_scheduler_schedule.tick :
      strcontains(s.target[0].input, "\"<aws.scheduler.scheduled-time>\"") && strcontains(s.target[0].input, "\"<aws.scheduler.execution-id>\"")
    ])
    error_message = "Scheduler replaces its context attributes only where they appear literally (not escaped as \\u003c by jsonencode)."
  }
}

run "exactly_one_trigger_per_event_schedule_or_job_function" {
  command = plan

  assert {
    condition = alltrue([
      for f in fileset("${path.module}/../../../functions", "*/function.json") :
      (contains(keys(aws_lambda_event_source_mapping.kafka), jsondecode(file("${path.module}/../../../functions/${f}")).name) ? 1 : 0)
      + (contains(keys(aws_scheduler_schedule.tick), jsondecode(file("${path.module}/../../../functions/${f}")).name) ? 1 : 0)
      == (contains(["event", "schedule", "job"], jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind) ? 1 : 0)
    ])
    error_message = "Each event, schedule or job function needs exactly one trigger (an event source mapping or a schedule); a request function none."
  }
  assert {
    condition = length(aws_lambda_event_source_mapping.kafka) == length([
      for f in fileset("${path.module}/../../../functions", "*/function.json") : f
      if jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind == "event"
    ])
    error_message = "Expected one event source mapping per event function."
  }
  assert {
    condition = length(aws_scheduler_schedule.tick) == length([
      for f in fileset("${path.module}/../../../functions", "*/function.json") : f
      if contains(["schedule", "job"], jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind)
    ])
    error_message = "Expected one schedule per schedule function and per job."
  }
}

run "the_sweeper_has_a_schedule_and_no_event_source_mapping" {
  command = plan

  assert {
    condition     = contains(keys(aws_scheduler_schedule.tick), "sweeper") && !contains(keys(aws_lambda_event_source_mapping.kafka), "sweeper")
    error_message = "The sweeper is ticked by EventBridge Scheduler and reads no topic."
  }
  assert {
    condition     = aws_scheduler_schedule.tick["sweeper"].schedule_expression == jsondecode(file("${path.module}/../../../functions/sweeper/function.json")).trigger.scheduleExpression
    error_message = "The sweeper's schedule must be its descriptor's trigger.scheduleExpression."
  }
  assert {
    condition     = aws_scheduler_schedule.tick["sweeper"].flexible_time_window[0].mode == "OFF" && length(aws_scheduler_schedule.tick["sweeper"].target[0].retry_policy) == 1
    error_message = "The sweeper's schedule runs on time (no flexible window) with a retry policy."
  }
  assert {
    condition     = length(aws_iam_role.scheduler) == length(aws_scheduler_schedule.tick)
    error_message = "Each schedule has its own role."
  }
  assert {
    condition = alltrue([
      for name, p in aws_iam_role_policy.scheduler : alltrue([
        for s in jsondecode(p.policy).Statement :
        s.Action == ["lambda:InvokeFunction"] && s.Resource == ["arn:aws:lambda:eu-west-1:123456789012:function:profiles-test-${name}:live"]
      ])
    ])
    error_message = "A schedule's role may invoke its one function and nothing else."
  }
}

run "every_mapping_reads_its_descriptors_topic" {
  command = plan

  assert {
    condition = alltrue([
      for name, m in aws_lambda_event_source_mapping.kafka :
      m.topics == toset([jsondecode(file("${path.module}/../../../functions/${name}/function.json")).trigger.topic])
    ])
    error_message = "Each event source mapping must read exactly its descriptor's trigger.topic."
  }
  assert {
    condition = alltrue([
      for name, m in aws_lambda_event_source_mapping.kafka :
      m.batch_size == jsondecode(file("${path.module}/../../../functions/${name}/function.json")).settings.kafkaBatchSize
      && m.event_source_arn == var.msk_cluster_arn
      && m.function_response_types == toset(["ReportBatchItemFailures"])
      && m.amazon_managed_kafka_event_source_config[0].consumer_group_id == "profiles-test-${name}"
    ])
    error_message = "Each mapping takes its batch size from the descriptor, reads the MSK cluster with its own consumer group and reports batch item failures."
  }
}

run "policies_name_explicit_actions_and_their_own_resources" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for p in concat(values(aws_iam_role_policy.lambda), values(aws_iam_role_policy.scheduler)) : [
        for s in jsondecode(p.policy).Statement : [
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*") && !endswith(a, "*")
        ]
      ]
    ]))
    error_message = "No IAM statement may allow \"*\" or a service wildcard (\"service:*\") action."
  }
  assert {
    condition = alltrue([
      for name, p in aws_iam_role_policy.lambda : alltrue([
        for s in jsondecode(p.policy).Statement : s.Resource != ["*"] || startswith(s.Sid, "VpcNetworkInterfaces")
      ])
    ])
    error_message = "Only the VPC network-interface statements may use a \"*\" resource (AWS offers nothing narrower)."
  }
  assert {
    condition = alltrue([
      for name, m in aws_lambda_event_source_mapping.kafka : contains(
        flatten([for s in jsondecode(aws_iam_role_policy.lambda[name].policy).Statement : s.Resource if contains(s.Action, "kafka-cluster:ReadData")]),
        "arn:aws:kafka:eu-west-1:123456789012:topic/shop/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2/${one(m.topics)}"
      )
    ])
    error_message = "Each event function may read its own topic."
  }
  assert {
    condition = alltrue([
      for name, p in aws_iam_role_policy.lambda :
      length(flatten([for s in jsondecode(p.policy).Statement : s.Resource if contains(s.Action, "kafka-cluster:ReadData")])) == (
        contains(keys(aws_lambda_event_source_mapping.kafka), name) ? 1 : jsondecode(file("${path.module}/../../../functions/${name}/function.json")).trigger.kind == "job" ? length(aws_lambda_event_source_mapping.kafka) : 0
      )
    ])
    error_message = "Only event functions may read a topic, and only one; only a job (the rebuild) reads them all."
  }
}

run "a_job_runs_one_invocation_at_a_time_asked_to_go_on_by_its_schedule" {
  command = plan

  assert {
    condition     = aws_lambda_function.fn["rebuild"].reserved_concurrent_executions == 1 && aws_lambda_function.fn["rebuild"].timeout == 900
    error_message = "The rebuild runs one invocation at a time (reserved concurrency 1), each as long as Lambda allows."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.job["rebuild"].maximum_retry_attempts == 0 && aws_lambda_function_event_invoke_config.job["rebuild"].qualifier == "live"
    error_message = "A tick throttled while a run is under way is dropped, not queued."
  }
  assert {
    condition     = jsondecode(aws_scheduler_schedule.tick["rebuild"].target[0].input).action == "continue" && aws_scheduler_schedule.tick["rebuild"].schedule_expression == jsondecode(file("${path.module}/../../../functions/rebuild/function.json")).trigger.scheduleExpression
    error_message = "The rebuild's schedule asks it to go on with a run under way, at its descriptor's scheduleExpression."
  }
  assert {
    condition     = !can(jsondecode(aws_scheduler_schedule.tick["sweeper"].target[0].input).action)
    error_message = "Only a job's schedule says action."
  }
  assert {
    condition = aws_lambda_function.fn["rebuild"].environment[0].variables["PROFILES_REBUILD_GROUP_PREFIX"] == "profiles-test-rebuild-g" && contains(
      flatten([for s in jsondecode(aws_iam_role_policy.lambda["rebuild"].policy).Statement : s.Resource if contains(s.Action, "kafka-cluster:AlterGroup")]),
      "arn:aws:kafka:eu-west-1:123456789012:group/shop/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2/profiles-test-rebuild-g*"
    )
    error_message = "The rebuild's consumer groups are named per environment, and its role may use those and no other."
  }
  assert {
    condition     = aws_lambda_function.fn["rebuild"].environment[0].variables["PROFILES_REBUILD_MAX_EVENTS_PER_SECOND"] == tostring(jsondecode(file("${path.module}/../../../functions/rebuild/function.json")).settings.maxEventsPerSecond)
    error_message = "The rebuild's rate limit comes from its descriptor."
  }
  assert {
    condition     = strcontains(output.job_start_commands["rebuild"], "profiles-test-rebuild:live") && strcontains(output.job_start_commands["rebuild"], "{\"action\":\"start\"}")
    error_message = "The start command invokes the rebuild's alias with action start."
  }
}

run "a_job_allowed_two_concurrent_invocations_is_refused" {
  command = plan

  variables {
    reserved_concurrency = { rebuild = 2 }
  }

  expect_failures = [aws_lambda_function.fn]
}

run "a_short_redis_auth_token_is_refused" {
  command = plan

  variables {
    redis_auth_token = "too-short"
  }

  expect_failures = [var.redis_auth_token]
}

run "an_unknown_log_retention_is_refused" {
  command = plan

  variables {
    log_retention_days = 42
  }

  expect_failures = [var.log_retention_days]
}

run "iam_auth_lets_each_publisher_write_its_own_topics_idempotently" {
  command = plan

  # Publishers: every function with a dead-letter topic, and those given kafka_write_topics.
  assert {
    condition = alltrue([
      for name, p in aws_iam_role_policy.lambda : contains(
        flatten([for s in jsondecode(p.policy).Statement : s.Action]), "kafka-cluster:WriteDataIdempotently"
      ) == (try(jsondecode(file("${path.module}/../../../functions/${name}/function.json")).trigger.deadLetterTopic, null) != null || contains(keys(var.kafka_write_topics), name))
    ])
    error_message = "Exactly the functions that publish get kafka-cluster:WriteDataIdempotently (the producer is idempotent)."
  }
  assert {
    condition = alltrue(flatten([
      for name, p in aws_iam_role_policy.lambda : [
        for s in jsondecode(p.policy).Statement : s.Resource == [var.msk_cluster_arn] if contains(s.Action, "kafka-cluster:WriteDataIdempotently") || contains(s.Action, "kafka-cluster:Connect")
      ]
    ]))
    error_message = "Connect and WriteDataIdempotently are cluster actions: on the cluster's ARN only."
  }
  assert {
    condition = alltrue([
      for name, p in aws_iam_role_policy.lambda : toset(flatten([for s in jsondecode(p.policy).Statement : s.Resource if contains(s.Action, "kafka-cluster:WriteData")])) == toset([
        for t in concat(
          try([jsondecode(file("${path.module}/../../../functions/${name}/function.json")).trigger.deadLetterTopic], []),
          lookup(var.kafka_write_topics, name, [])
      ) : "arn:aws:kafka:eu-west-1:123456789012:topic/shop/0a1b2c3d-4e5f-6789-abcd-ef0123456789-2/${t}"])
    ])
    error_message = "A function may write its own dead-letter topic and the topics kafka_write_topics gives it, nothing else."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.lambda["profile"].policy).Statement : s if anytrue([for a in s.Action : startswith(a, "kafka")])]) == 0
    error_message = "The profile reader talks to Redis only: no Kafka permission."
  }
  assert {
    condition     = alltrue([for name, fn in aws_lambda_function.fn : fn.environment[0].variables["PROFILES_KAFKA_AUTH"] == "iam" && !contains(keys(fn.environment[0].variables), "PROFILES_KAFKA_SECRET_ID")])
    error_message = "kafka_auth = iam: the functions are told so, and get no Kafka secret."
  }
  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.kafka : length(m.source_access_configuration) == 0])
    error_message = "With IAM access control the mappings authenticate with the execution role: no source access configuration."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.lambda_to_msk.from_port == 9098 && aws_vpc_security_group_ingress_rule.msk_from_lambda[0].to_port == 9098
    error_message = "IAM access control: port 9098."
  }
}

run "scram_auth_uses_the_amazonmsk_secret_and_no_iam_kafka_actions" {
  command = plan

  variables {
    kafka_auth               = "scram"
    msk_bootstrap_servers    = "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9096,b-2.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9096"
    kafka_secret_arn         = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:AmazonMSK_profiles-AbCdEf"
    kafka_secret_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }

  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.kafka : length(m.source_access_configuration) == 1 && one(m.source_access_configuration).type == "SASL_SCRAM_512_AUTH" && one(m.source_access_configuration).uri == var.kafka_secret_arn])
    error_message = "SCRAM: each mapping reads the topic with the AmazonMSK_ secret."
  }
  assert {
    condition = alltrue(flatten([for name, p in aws_iam_role_policy.lambda : [
      for s in jsondecode(p.policy).Statement : !anytrue([for a in s.Action : startswith(a, "kafka-cluster:")])
    ]]))
    error_message = "SCRAM: the cluster's ACLs authorise; no kafka-cluster IAM action is granted."
  }
  assert {
    condition = alltrue([for name, p in aws_iam_role_policy.lambda :
      contains(flatten([for s in jsondecode(p.policy).Statement : s.Resource if contains(s.Action, "secretsmanager:GetSecretValue")]), var.kafka_secret_arn) == (name != "profile")
    ])
    error_message = "SCRAM: every Kafka client (not the profile reader) may read the Kafka secret."
  }
  assert {
    condition = alltrue(flatten([for name, p in aws_iam_role_policy.lambda : [
      for s in jsondecode(p.policy).Statement : s.Resource == [var.kafka_secret_kms_key_arn] && s.Condition.StringEquals["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com" if contains(s.Action, "kms:Decrypt")
    ]]))
    error_message = "The secret's key may be used only to decrypt it, through Secrets Manager."
  }
  assert {
    condition     = alltrue([for name, fn in aws_lambda_function.fn : fn.environment[0].variables["PROFILES_KAFKA_AUTH"] == "scram" && fn.environment[0].variables["PROFILES_KAFKA_SECRET_ID"] == var.kafka_secret_arn])
    error_message = "SCRAM: the functions are told the mechanism and the secret."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.lambda_to_msk.from_port == 9096
    error_message = "SCRAM: port 9096."
  }
}

run "mtls_auth_uses_the_client_certificate_secret" {
  command = plan

  variables {
    kafka_auth            = "mtls"
    msk_bootstrap_servers = "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9094"
    kafka_secret_arn      = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:profiles/kafka-client-AbCdEf"
  }

  assert {
    condition     = alltrue([for m in aws_lambda_event_source_mapping.kafka : one(m.source_access_configuration).type == "CLIENT_CERTIFICATE_TLS_AUTH"])
    error_message = "mTLS: each mapping presents the client certificate of the secret."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.lambda_to_msk.from_port == 9094
    error_message = "mTLS: port 9094."
  }
}

run "brokers_on_another_auth_port_are_refused" {
  command = plan

  variables {
    msk_bootstrap_servers = "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9096"
  }

  expect_failures = [var.msk_bootstrap_servers]
}

run "scram_without_a_secret_or_its_key_is_refused" {
  command = plan

  variables {
    kafka_auth            = "scram"
    msk_bootstrap_servers = "b-1.shop.abc123.c2.kafka.eu-west-1.amazonaws.com:9096"
    kafka_secret_arn      = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:profiles-kafka-AbCdEf"
  }

  expect_failures = [var.kafka_secret_arn, var.kafka_secret_kms_key_arn]
}

run "the_artifact_is_uploaded_directly_or_deployed_from_the_bucket" {
  command = plan

  assert {
    condition     = alltrue([for fn in aws_lambda_function.fn : fn.filename != null && fn.s3_bucket == null]) && length(aws_s3_object.artifact) == 0
    error_message = "Without artifact_bucket every function uploads the zip itself."
  }
}

run "with_an_artifact_bucket_the_zip_goes_there_once" {
  command = plan

  variables {
    artifact_bucket = "profiles-test-artifacts"
  }

  assert {
    condition     = length(aws_s3_object.artifact) == 1 && alltrue([for fn in aws_lambda_function.fn : fn.s3_bucket == "profiles-test-artifacts" && fn.filename == null && startswith(fn.s3_key, "profile-functions/")])
    error_message = "With artifact_bucket the one shared zip is uploaded once and every function deploys from it."
  }
}
