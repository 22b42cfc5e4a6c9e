# --- Where

variable "aws_region" {
  description = "AWS region to deploy into, e.g. eu-west-1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like eu-west-1."
  }
}

variable "aws_account_id" {
  description = "The AWS account to deploy into (12 digits). The provider refuses any other account, and the IAM policies are scoped to it."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "environment" {
  description = "Environment name, part of every resource name (e.g. prod, staging, dev1): a lower-case letter, then lower-case letters or digits, 2 to 10 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 characters: a lower-case letter, then lower-case letters or digits."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; names are <name_prefix>-<environment>-<function>."
  type        = string
  default     = "profiles"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 2-12 characters: a lower-case letter, then lower-case letters, digits or '-', not ending with '-'."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# --- The code

variable "artifacts_dir" {
  description = "Folder holding function-<name>.zip for every function (a copy of target/function.zip of the native Lambda build; all functions share one executable and QUARKUS_FUNQY_EXPORT picks the function). Defaults to artifacts/ in this module."
  type        = string
  default     = null
}

variable "artifacts" {
  description = "Per-function zip paths that override artifacts_dir/function-<name>.zip, by function name."
  type        = map(string)
  default     = {}
}

variable "lambda_architecture" {
  description = "CPU architecture the native executable was built for: x86_64 or arm64."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_architecture)
    error_message = "lambda_architecture must be x86_64 or arm64."
  }
}

variable "reserved_concurrency" {
  description = "Optional reserved concurrency per function name (e.g. { sweeper = 1 }); functions not named use the account's unreserved pool."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.reserved_concurrency) : v >= 0 && floor(v) == v])
    error_message = "reserved_concurrency values must be whole numbers >= 0."
  }
}

variable "log_retention_days" {
  description = "Retention of each function's CloudWatch log group, in days (one of the values CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

# --- Network

variable "vpc_id" {
  description = "VPC of the Lambdas and of Redis (the MSK cluster's VPC or one routed to it)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnets, in at least two availability zones, for the Lambdas and the Redis subnet group. They need a route to Secrets Manager (NAT or an interface endpoint)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must name at least two subnets (subnet-...)."
  }
}

# --- Kafka (Amazon MSK with IAM access control)

variable "msk_cluster_arn" {
  description = "ARN of the MSK cluster holding the functions' topics (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>). Topic and group ARNs for IAM are built from it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[^/]+/[^/]+$", var.msk_cluster_arn))
    error_message = "msk_cluster_arn must look like arn:aws:kafka:eu-west-1:123456789012:cluster/<name>/<uuid>."
  }
}

variable "msk_bootstrap_servers" {
  description = "The MSK cluster's IAM bootstrap brokers (port 9098), comma-separated; given to the app as KAFKA_BOOTSTRAP_SERVERS (it publishes dead letters and the sweeper's refresh requests and alerts)."
  type        = string

  validation {
    condition     = can(regex("^[^\\s,]+:[0-9]+(,[^\\s,]+:[0-9]+)*$", var.msk_bootstrap_servers))
    error_message = "msk_bootstrap_servers must be host:port, comma-separated for several."
  }
}

variable "msk_security_group_id" {
  description = "Security group of the MSK cluster. The Lambdas may reach it on 9098 (IAM/TLS)."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8,17}$", var.msk_security_group_id))
    error_message = "msk_security_group_id must look like sg-0123456789abcdef0."
  }
}

variable "manage_msk_ingress" {
  description = "Add an ingress rule on the MSK security group for the Lambdas' security group (9098). Set false when the MSK cluster's owners manage that group."
  type        = bool
  default     = true
}

variable "kafka_starting_position" {
  description = "Where a new event source mapping starts reading: TRIM_HORIZON (the oldest record kept; needed to read a Debezium snapshot) or LATEST."
  type        = string
  default     = "TRIM_HORIZON"

  validation {
    condition     = contains(["TRIM_HORIZON", "LATEST"], var.kafka_starting_position)
    error_message = "kafka_starting_position must be TRIM_HORIZON or LATEST."
  }
}

variable "kafka_batch_size_overrides" {
  description = "Batch size per function name, overriding settings.kafkaBatchSize of its descriptor."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.kafka_batch_size_overrides) : v >= 1 && v <= 10000 && floor(v) == v])
    error_message = "Kafka batch sizes must be whole numbers from 1 to 10000."
  }
}

variable "kafka_maximum_retry_attempts" {
  description = "Retries of a failed batch (or, with ReportBatchItemFailures, of the failed records) before it goes to the on-failure destination; -1 retries until the record expires."
  type        = number
  default     = 5

  validation {
    condition     = var.kafka_maximum_retry_attempts >= -1 && var.kafka_maximum_retry_attempts <= 10000 && floor(var.kafka_maximum_retry_attempts) == var.kafka_maximum_retry_attempts
    error_message = "kafka_maximum_retry_attempts must be a whole number from -1 to 10000."
  }
}

variable "kafka_pollers" {
  description = "Provisioned-mode event pollers per event source mapping. Provisioned mode is what lets a Kafka mapping retry, split batches and take ReportBatchItemFailures; each poller is billed (event poller units)."
  type = object({
    minimum = number
    maximum = number
  })
  default = { minimum = 1, maximum = 3 }

  validation {
    condition     = var.kafka_pollers.minimum >= 1 && var.kafka_pollers.minimum <= 200 && var.kafka_pollers.maximum >= var.kafka_pollers.minimum && var.kafka_pollers.maximum <= 2000
    error_message = "kafka_pollers: 1 <= minimum <= 200 and minimum <= maximum <= 2000."
  }
}

variable "kafka_write_topics" {
  description = "Topics each function publishes to besides its own dead-letter topic (always allowed), by function name. The sweeper publishes refresh requests and freshness alerts (profiles.freshness.*-topic in application.properties)."
  type        = map(list(string))
  default = {
    sweeper = ["profiles.customer-refresh-requests.v1", "profiles.freshness-alerts.v1"]
  }
}

variable "failure_retention_days" {
  description = "Days the on-failure bucket keeps the records of batches the Kafka event source mappings gave up on."
  type        = number
  default     = 14

  validation {
    condition     = var.failure_retention_days >= 1 && floor(var.failure_retention_days) == var.failure_retention_days
    error_message = "failure_retention_days must be a whole number >= 1."
  }
}

# --- Schedules

variable "schedule_retry_attempts" {
  description = "EventBridge Scheduler retries of a tick the function failed to take (the next tick comes anyway)."
  type        = number
  default     = 2

  validation {
    condition     = var.schedule_retry_attempts >= 0 && var.schedule_retry_attempts <= 185 && floor(var.schedule_retry_attempts) == var.schedule_retry_attempts
    error_message = "schedule_retry_attempts must be a whole number from 0 to 185."
  }
}

variable "schedule_max_event_age_seconds" {
  description = "How long EventBridge Scheduler keeps retrying one tick, in seconds (60 to 86400)."
  type        = number
  default     = 120

  validation {
    condition     = var.schedule_max_event_age_seconds >= 60 && var.schedule_max_event_age_seconds <= 86400
    error_message = "schedule_max_event_age_seconds must be from 60 to 86400."
  }
}

# --- Redis (ElastiCache)

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"

  validation {
    condition     = startswith(var.redis_node_type, "cache.")
    error_message = "redis_node_type must be an ElastiCache node type (cache.*)."
  }
}

variable "redis_engine_version" {
  description = "Redis engine version (major.minor), e.g. 7.1."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be major.minor, e.g. 7.1."
  }
}

variable "redis_cluster_mode" {
  description = "Cluster mode enabled (shards). The app supports it: its keys are hash-tagged per user, and it is given QUARKUS_REDIS_CLIENT_TYPE=cluster."
  type        = bool
  default     = true
}

variable "redis_shards" {
  description = "Shards (node groups) in cluster mode; 1 without it."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_shards >= 1 && var.redis_shards <= 500 && floor(var.redis_shards) == var.redis_shards
    error_message = "redis_shards must be a whole number from 1 to 500."
  }
}

variable "redis_replicas_per_shard" {
  description = "Replicas per shard (0 to 5). At least 1 gives automatic failover across availability zones."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_replicas_per_shard >= 0 && var.redis_replicas_per_shard <= 5 && floor(var.redis_replicas_per_shard) == var.redis_replicas_per_shard
    error_message = "redis_replicas_per_shard must be a whole number from 0 to 5."
  }
}

variable "redis_snapshot_retention_days" {
  description = "Days of automatic Redis snapshots (0 turns them off)."
  type        = number
  default     = 1
}

variable "redis_auth_token" {
  description = "Redis AUTH token (16-128 printable ASCII characters, none of space, \", / or @). Pass it as TF_VAR_redis_auth_token, never in a file. It ends up in the state (ElastiCache takes it as a plain attribute): keep the state encrypted."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.redis_auth_token) >= 16 && length(var.redis_auth_token) <= 128 && can(regex("^[!#-.0-?A-~]+$", var.redis_auth_token))
    error_message = "redis_auth_token must be 16-128 printable ASCII characters without space, \", / or @."
  }
}

variable "profile_hash_key" {
  description = "HMAC key of the customer function's hashed personal columns (PROFILE_HASH_KEY), at least 32 characters. Pass it as TF_VAR_profile_hash_key. Ephemeral: it is written to Secrets Manager through a write-only attribute and never stored in the state."
  type        = string
  sensitive   = true
  ephemeral   = true

  validation {
    condition     = length(var.profile_hash_key) >= 32
    error_message = "profile_hash_key must be at least 32 characters."
  }
}

variable "secret_version" {
  description = "Version of the secret's value. The value is write-only (not in the state), so Terraform cannot see it change: raise this number to write new redis_auth_token / profile_hash_key values."
  type        = number
  default     = 1

  validation {
    condition     = var.secret_version >= 1 && floor(var.secret_version) == var.secret_version
    error_message = "secret_version must be a whole number >= 1."
  }
}

# --- Alarms

variable "alarm_actions" {
  description = "ARNs notified when an alarm fires or clears (e.g. an SNS topic)."
  type        = list(string)
  default     = []
}

variable "freshness_metric" {
  description = "The freshness metric the Lambda binding publishes in CloudWatch embedded metric format: its namespace, name and the dimension naming the source (the event function)."
  type = object({
    namespace = string
    name      = string
    dimension = string
  })
  default = {
    namespace = "ProfileFunctions"
    name      = "profile_freshness_lag_p99_ms"
    dimension = "source"
  }
}

variable "secrets_extension_layer_arn" {
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer for the region and architecture (AWS publishes one per region and architecture: look it up in the AWS documentation, AWS Parameters and Secrets Lambda Extension ARNs); the functions read their secret through it at start."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.secrets_extension_layer_arn))
    error_message = "secrets_extension_layer_arn must be a versioned Lambda layer ARN."
  }
}
