// The prices the cloud cost model (cloud-cost.ts) uses: one dated table, each price with the page it is
// published on. On-demand list prices of us-east-1 in USD, no free tier, no savings plan. They were not
// fetched from the providers on `asOf` (this machine reaches no web page): they are the pages' 2026 figures
// as copies of those pages dated 2026 state them. Check the pages before quoting a figure; change a price
// here and `node --import tsx bench/lib/cloud-cost-doc.ts` writes docs/scale-out.md's table again.

export const prices = {
  asOf: '2026-12-07',
  region: 'us-east-1',
  currency: 'USD',
  lambda: {
    source: 'AWS Lambda pricing (aws.amazon.com/lambda/pricing), first tier; "Configuring Lambda function memory" (docs.aws.amazon.com) for the vCPU share',
    /** Per GB-second of billed duration x configured memory, first 6 billion (x86) / 7.5 billion (arm64) GB-s a month. */
    gbSecond: { arm64: 0.0000133334, x86: 0.0000166667 },
    perMillionRequests: 0.2,
    /** Duration is rounded up to the next millisecond. */
    roundMs: 1,
    /** CPU is allocated in proportion to memory: at 1,769 MB a function has one vCPU. */
    mbPerVcpu: 1769,
  },
  apiGateway: {
    source: 'Amazon API Gateway pricing (aws.amazon.com/api-gateway/pricing), HTTP APIs, first 300 million requests a month',
    /** One request per call of up to 512 KB. */
    httpApiPerMillion: 1.0,
  },
  rds: {
    source: 'Amazon RDS for PostgreSQL pricing (aws.amazon.com/rds/postgresql/pricing), on-demand, Single-AZ',
    instance: 'db.t4g.small (2 vCPU burstable, 2 GiB)',
    perHour: 0.032,
    gp3PerGbMonth: 0.115,
  },
  synadia: {
    source: 'Synadia Cloud pricing (docs.synadia.com/cloud/pricing)',
    plan: 'Starter: 100 connections, 10 GiB standard storage, 1 GiB HA storage, 100 GiB network data a month',
    perMonth: 49,
  },
  ec2: {
    source: 'Amazon EC2 On-Demand pricing (aws.amazon.com/ec2/pricing/on-demand); Amazon EBS pricing for gp3',
    instance: 't4g.small (2 vCPU burstable, 2 GiB)',
    perHour: 0.0168,
    gp3PerGbMonth: 0.08,
  },
  hoursPerMonth: 730,
} as const;

export type Architecture = keyof typeof prices.lambda.gbSecond;
