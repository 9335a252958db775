/**
 * IPv4 helpers for endpoint addresses and whitelists: parsing, CIDR membership and allocation in a subnet.
 */

/** Parses dotted-quad IPv4 into an unsigned 32-bit number; undefined for anything else. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;

  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  network: number;
  prefixLength: number;
}

/** Parses `a.b.c.d/n` with the host bits cleared; undefined for anything else. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefix, extra] = text.split('/');
  if (extra !== undefined || prefix === undefined || !/^\d{1,2}$/.test(prefix)) return undefined;

  const value = parseIpv4(address);
  const prefixLength = Number(prefix);
  if (value === undefined || prefixLength > 32) return undefined;

  const size = 2 ** (32 - prefixLength);
  return { network: value - (value % size), prefixLength };
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  const size = 2 ** (32 - cidr.prefixLength);
  return address >= cidr.network && address < cidr.network + size;
}

/** Returns whether a whitelist entry is an IPv4 address or an IPv4 CIDR block, the two forms VPCEP accepts. */
export function isWhitelistEntry(text: string): boolean {
  return text.includes('/') ? parseCidr(text) !== undefined : parseIpv4(text) !== undefined;
}

/**
 * Returns the lowest free host address of a subnet, or undefined when it is full. The network address, the
 * first host (the usual gateway) and the broadcast address are never handed out.
 */
export function allocateAddress(subnetCidr: string, used: Set<string>): string | undefined {
  const cidr = parseCidr(subnetCidr);
  if (!cidr) return undefined;

  const size = 2 ** (32 - cidr.prefixLength);
  for (let offset = 2; offset < size - 1; offset += 1) {
    const address = formatIpv4(cidr.network + offset);
    if (!used.has(address)) return address;
  }
  return undefined;
}
