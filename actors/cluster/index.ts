// Cluster ownership model (pure): virtual shards, rendezvous placement, membership, leases, moves.
export { assign, ClusterError, shardOf, weight } from './assign.ts'
export { type LeaseState, ShardLease } from './lease.ts'
export { Membership, type MembershipOptions } from './membership.ts'
export { type Move, type PlanOptions, plan } from './planner.ts'
