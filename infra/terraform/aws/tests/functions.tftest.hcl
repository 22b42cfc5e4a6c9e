# Plans the module against a mocked AWS provider (no account, no network) and checks that every
# function in functions/ is wired as its descriptor says. The expected counts come from the
# descriptors themselves, read here independently of the module's own locals.

mock_provider "aws" {
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

  secrets_extension_layer_arn = "arn:aws:lambda:eu-west-1:123456789012:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12"
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
    condition     = alltrue([for fn in aws_lambda_function.fn : fn.runtime == "provided.al2023" && fn.vpc_config[0].subnet_ids == toset(var.subnet_ids)])
    error_message = "Every Lambda runs the native executable (provided.al2023) inside the VPC."
  }
}

run "exactly_one_trigger_per_event_or_schedule_function" {
  command = plan

  assert {
    condition = alltrue([
      for f in fileset("${path.module}/../../../functions", "*/function.json") :
      (contains(keys(aws_lambda_event_source_mapping.kafka), jsondecode(file("${path.module}/../../../functions/${f}")).name) ? 1 : 0)
      + (contains(keys(aws_scheduler_schedule.tick), jsondecode(file("${path.module}/../../../functions/${f}")).name) ? 1 : 0)
      == (contains(["event", "schedule"], jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind) ? 1 : 0)
    ])
    error_message = "Each event or schedule function needs exactly one trigger (an event source mapping or a schedule); a request function none."
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
      if jsondecode(file("${path.module}/../../../functions/${f}")).trigger.kind == "schedule"
    ])
    error_message = "Expected one schedule per schedule function."
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
        s.Action == ["lambda:InvokeFunction"] && s.Resource == ["arn:aws:lambda:eu-west-1:123456789012:function:profiles-test-${name}"]
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
      length(flatten([for s in jsondecode(p.policy).Statement : s.Resource if contains(s.Action, "kafka-cluster:ReadData")])) == (contains(keys(aws_lambda_event_source_mapping.kafka), name) ? 1 : 0)
    ])
    error_message = "Only event functions may read a topic, and only one."
  }
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
