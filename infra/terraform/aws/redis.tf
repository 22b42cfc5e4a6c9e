# The profile store: ElastiCache Redis, encrypted in transit and at rest, AUTH token required,
# reachable only from the functions' security group. The token and the customer function's hash
# key are kept in one Secrets Manager secret that the functions read.

locals {
  secret_name = "${local.prefix}/profile-functions"

  redis_major           = split(".", var.redis_engine_version)[0]
  redis_parameter_group = "default.redis${local.redis_major}${var.redis_cluster_mode ? ".cluster.on" : ""}"

  # Cluster mode: the configuration endpoint (the client discovers the shards from it).
  redis_endpoint = var.redis_cluster_mode ? aws_elasticache_replication_group.redis.configuration_endpoint_address : aws_elasticache_replication_group.redis.primary_endpoint_address
}

resource "aws_elasticache_subnet_group" "redis" {
  name        = "${local.prefix}-redis"
  description = "Profile store subnets"
  subnet_ids  = var.subnet_ids
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id = "${local.prefix}-redis"
  description          = "Shopper profiles (${var.environment})"

  engine               = "redis"
  engine_version       = var.redis_engine_version
  node_type            = var.redis_node_type
  port                 = 6379
  parameter_group_name = local.redis_parameter_group

  cluster_mode               = var.redis_cluster_mode ? "enabled" : "disabled"
  num_node_groups            = var.redis_cluster_mode ? var.redis_shards : 1
  replicas_per_node_group    = var.redis_replicas_per_shard
  automatic_failover_enabled = var.redis_cluster_mode || var.redis_replicas_per_shard > 0
  multi_az_enabled           = var.redis_replicas_per_shard > 0

  transit_encryption_enabled = true
  at_rest_encryption_enabled = true
  auth_token                 = var.redis_auth_token

  subnet_group_name  = aws_elasticache_subnet_group.redis.name
  security_group_ids = [aws_security_group.redis.id]

  snapshot_retention_limit = var.redis_snapshot_retention_days
  apply_immediately        = false

  lifecycle {
    precondition {
      condition     = var.redis_cluster_mode || var.redis_shards == 1
      error_message = "redis_shards > 1 needs redis_cluster_mode = true."
    }
  }
}

resource "aws_secretsmanager_secret" "app" {
  name                    = local.secret_name
  description             = "Profile functions: REDIS_AUTH_TOKEN and PROFILE_HASH_KEY (JSON)."
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  # Write-only: sent to AWS, never stored in the state. Raise var.secret_version to change it.
  secret_string_wo = jsonencode({
    REDIS_AUTH_TOKEN = var.redis_auth_token
    PROFILE_HASH_KEY = var.profile_hash_key
  })
  secret_string_wo_version = var.secret_version
}
