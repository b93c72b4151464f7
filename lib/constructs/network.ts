import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** A literal (not a token) so security-group rules stay readable and checkable at synth time. */
export const VPC_CIDR = '10.40.0.0/16';

export interface NetworkProps {
  /** AWS services functions inside the VPC call besides DynamoDB and S3 (which get free gateway endpoints). */
  interfaceEndpoints: ReadonlyArray<ec2.InterfaceVpcEndpointAwsService>;
  removalPolicy: RemovalPolicy;
}

/**
 * A VPC with isolated subnets only: no NAT gateway to pay for or to leak through. Functions reach AWS
 * services through VPC endpoints and Redis/PostgreSQL through security groups.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  /** Attached to every function that runs in the VPC; Redis and the DB proxy admit only this group. */
  readonly functionsSecurityGroup: ec2.SecurityGroup;
  readonly secretsManagerEndpoint: ec2.InterfaceVpcEndpoint;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2, // Redis and Aurora fail over across two AZs
      natGateways: 0,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });

    // Egress stays open: the subnets are isolated, so "anywhere" means the VPC and its endpoints only.
    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'FunctionsSg', {
      vpc: this.vpc,
      description: 'Lambda functions that use Redis or PostgreSQL',
      allowAllOutbound: true,
    });

    const endpoint = (name: string, service: ec2.InterfaceVpcEndpointAwsService) => {
      const ep = this.vpc.addInterfaceEndpoint(name, { service, subnets: this.subnets, privateDnsEnabled: true, open: false });
      // HTTPS from anything in the VPC: functions and the DB secret-rotation function.
      ep.connections.allowFrom(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), 'HTTPS from inside the VPC');
      return ep;
    };

    // Secrets Manager is always needed: functions read the Redis/DB secrets, and DB secret rotation runs here.
    this.secretsManagerEndpoint = endpoint('SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER);
    for (const service of props.interfaceEndpoints) {
      if (service === ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER) continue;
      endpoint(service.shortName.replace(/[^A-Za-z0-9]/g, ''), service);
    }
  }
}
