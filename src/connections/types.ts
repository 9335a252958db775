/** Domain types of a connection and its public record, the object the API returns. */
import type { Connection } from '../store/index.ts';

/** `ds_type` values in their canonical spelling; requests match them case-insensitively. */
export const DS_TYPES = [
  'MySQL',
  'DWS',
  'PostgreSQL',
  'OpenGauss',
  'Doris',
  'HIVE',
  'ClickHouse',
  'API',
] as const;

export type DsType = (typeof DS_TYPES)[number];

/** The only network scenario this service creates: DataArts Insight's apps reaching a data source. */
export const SCENE = 'dii-app_to_data-source';

/** Returns the canonical spelling of a `ds_type`, or undefined when it is not supported. */
export function canonicalDsType(value: string): DsType | undefined {
  const lower = value.trim().toLowerCase();
  return DS_TYPES.find((candidate) => candidate.toLowerCase() === lower);
}

/** The caller, as IAM described its token. */
export interface Principal {
  userId: string;
  userName: string;
  domainId: string;
  projectId: string;
}

/** The connection record, field for field as DataArts Insight documents it. */
export interface ConnectionRecord {
  id: string;
  create_date: number;
  create_user: string;
  create_user_name: string;
  update_date: number;
  update_user: string;
  update_user_name: string;
  project_id: string;
  domain_id: string;
  ds_type: string;
  vpc_ep_server_id: string;
  vpc_ep_server_name: string;
  vpc_ep_client_id: string;
  vpc_ep_client_status: string;
  scene: string;
}

export function toConnectionRecord(connection: Connection): ConnectionRecord {
  return {
    id: connection.id,
    create_date: connection.createDate,
    create_user: connection.createUser,
    create_user_name: connection.createUserName,
    update_date: connection.updateDate,
    update_user: connection.updateUser,
    update_user_name: connection.updateUserName,
    project_id: connection.projectId,
    domain_id: connection.domainId,
    ds_type: connection.dsType,
    vpc_ep_server_id: connection.vpcEpServerId,
    vpc_ep_server_name: connection.vpcEpServerName,
    vpc_ep_client_id: connection.vpcEpClientId ?? '',
    vpc_ep_client_status: connection.vpcEpClientStatus ?? 'creating',
    scene: connection.scene,
  };
}
