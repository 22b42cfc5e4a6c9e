# One execution role per function, with only what that function does. ARNs are built from known
# values (account, region, names), so every policy is readable in a plan before anything exists.
# Policies use explicit actions only; a "*" resource appears only where AWS offers no narrower one.

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = var.aws_region
  account   = var.aws_account_id

  # MSK IAM access control names topics and groups after the cluster's ARN.
  msk_topic_arn_prefix = "${replace(var.msk_cluster_arn, ":cluster/", ":topic/")}/"
  msk_group_arn_prefix = "${replace(var.msk_cluster_arn, ":cluster/", ":group/")}/"

  log_group_arns = { for name, fn in local.function_names : name => "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${fn}" }
  function_arns  = { for name, fn in local.function_names : name => "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${fn}" }

  # Secrets Manager appends "-" and six random characters to a secret's name in its ARN.
  secret_arn_pattern = "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${local.secret_name}-??????"

  consumer_groups = { for name, f in local.event_functions : name => "${local.prefix}-${name}" }

  # Topics each function writes: its dead-letter topic (the app's DeadLetterPublisher) and any
  # listed in var.kafka_write_topics.
  write_topics = {
    for name, f in local.functions : name => distinct(concat(
      f.dead_letter_topic == null ? [] : [f.dead_letter_topic],
      lookup(var.kafka_write_topics, name, [])
    ))
  }

  # Functions that talk to Kafka at all: those an event source mapping feeds (the mapping works
  # with the function's role) and those that publish.
  kafka_functions = { for name, f in local.functions : name => f if f.kind == "event" || f.kind == "job" || length(local.write_topics[name]) > 0 }

  # A job (the rebuild) reads every event function's topic with consumer groups of its own, one per
  # generation it builds: the prefix the function is given, then the generation's number.
  event_topics = distinct([for name, f in local.event_functions : f.topic])

  lambda_policy_statements = {
    for name, f in local.functions : name => concat(
      [
        {
          Sid      = "OwnLogGroup"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = ["${local.log_group_arns[name]}:*"]
        },
        {
          # Describe calls support no resource-level permissions: AWS requires "*".
          Sid      = "VpcNetworkInterfacesDescribe"
          Effect   = "Allow"
          Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"]
          Resource = ["*"]
        },
        {
          # Lambda (and the MSK event pollers) create and remove ENIs whose ids do not exist
          # before; AWS documents "*" for these in VPC function roles.
          Sid      = "VpcNetworkInterfaces"
          Effect   = "Allow"
          Action   = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
          Resource = ["*"]
        },
        {
          Sid      = "AppSecret"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = [local.secret_arn_pattern]
        },
      ],
      # IAM access control: every Kafka client authorises with these (MSK's "Semantics of IAM
      # authorization policy actions and resources"); with SCRAM or mTLS the cluster's ACLs decide
      # and the role needs the secret instead.
      var.kafka_auth == "iam" && contains(keys(local.kafka_functions), name) ? [
        {
          Sid      = "KafkaConnect"
          Effect   = "Allow"
          Action   = ["kafka-cluster:Connect"]
          Resource = [var.msk_cluster_arn]
        },
      ] : [],
      var.kafka_auth != "iam" && contains(keys(local.kafka_functions), name) ? [
        {
          Sid      = "KafkaSecret"
          Effect   = "Allow"
          Action   = ["secretsmanager:GetSecretValue"]
          Resource = [var.kafka_secret_arn]
        },
      ] : [],
      var.kafka_auth != "iam" && contains(keys(local.kafka_functions), name) && var.kafka_secret_kms_key_arn != null ? [
        {
          # Only to decrypt that secret, through Secrets Manager.
          Sid       = "KafkaSecretKey"
          Effect    = "Allow"
          Action    = ["kms:Decrypt"]
          Resource  = [var.kafka_secret_kms_key_arn]
          Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
        },
      ] : [],
      f.kind == "event" ? [
        {
          # What the event source mapping needs to find the brokers.
          Sid      = "KafkaEventSource"
          Effect   = "Allow"
          Action   = ["kafka:DescribeCluster", "kafka:DescribeClusterV2", "kafka:GetBootstrapBrokers"]
          Resource = [var.msk_cluster_arn]
        },
        {
          # The mapping's on-failure destination is written with the function's role.
          Sid      = "OnFailureDestination"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:ListBucket"]
          Resource = [local.failure_bucket_arn, "${local.failure_bucket_arn}/*"]
        },
      ] : [],
      f.kind == "event" && var.kafka_auth == "iam" ? [
        {
          # The mapping's poller reads the cluster's dynamic configuration.
          Sid      = "KafkaClusterConfiguration"
          Effect   = "Allow"
          Action   = ["kafka-cluster:DescribeClusterDynamicConfiguration"]
          Resource = [var.msk_cluster_arn]
        },
        {
          Sid      = "KafkaReadOwnTopic"
          Effect   = "Allow"
          Action   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
          Resource = ["${local.msk_topic_arn_prefix}${f.topic}"]
        },
        {
          Sid      = "KafkaOwnConsumerGroup"
          Effect   = "Allow"
          Action   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
          Resource = ["${local.msk_group_arn_prefix}${local.consumer_groups[name]}"]
        },
      ] : [],
      f.kind == "job" && var.kafka_auth == "iam" ? [
        {
          Sid      = "KafkaReadEventTopics"
          Effect   = "Allow"
          Action   = ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData"]
          Resource = [for t in local.event_topics : "${local.msk_topic_arn_prefix}${t}"]
        },
        {
          Sid      = "KafkaOwnConsumerGroups"
          Effect   = "Allow"
          Action   = ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"]
          Resource = ["${local.msk_group_arn_prefix}${local.prefix}-${name}-g*"]
        },
      ] : [],
      length(local.write_topics[name]) > 0 && var.kafka_auth == "iam" ? [
        {
          # The producer is idempotent (the Kafka client's default since 3.0): MSK's "produce data
          # idempotently" use case adds WriteDataIdempotently, a cluster action.
          Sid      = "KafkaIdempotentWrite"
          Effect   = "Allow"
          Action   = ["kafka-cluster:WriteDataIdempotently"]
          Resource = [var.msk_cluster_arn]
        },
        {
          Sid      = "KafkaWriteTopics"
          Effect   = "Allow"
          Action   = ["kafka-cluster:DescribeTopic", "kafka-cluster:WriteData"]
          Resource = [for t in local.write_topics[name] : "${local.msk_topic_arn_prefix}${t}"]
        },
      ] : [],
    )
  }
}

resource "aws_iam_role" "lambda" {
  for_each = local.functions

  name        = "${local.function_names[each.key]}-lambda"
  description = "Execution role of the ${each.key} function (functions/${each.key}/function.json)."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "lambda" {
  for_each = local.functions

  name = "${each.key}-function"
  role = aws_iam_role.lambda[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.lambda_policy_statements[each.key]
  })
}

# EventBridge Scheduler invokes a schedule function with its own role, allowed that one function.
resource "aws_iam_role" "scheduler" {
  for_each = local.scheduled_functions

  name        = "${local.function_names[each.key]}-scheduler"
  description = "Lets EventBridge Scheduler invoke the ${each.key} function, and nothing else."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  for_each = local.scheduled_functions

  name = "invoke-${each.key}"
  role = aws_iam_role.scheduler[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # The alias the schedule targets, and nothing else.
      Sid      = "InvokeOneFunction"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = [local.alias_arns[each.key]]
    }]
  })
}
