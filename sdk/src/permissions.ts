/**
 * Permission names of the chat core. Roles map to these in the kernel's one policy
 * (`docs/protocol.md#permissions`); plugins add their own via `contributes.permissions`.
 * @public
 */
export const Permissions = {
  /** Read the tenant's conversations, messages (internal ones included) and transcripts. */
  ConversationRead: 'conversation.read',
  /** Take a waiting conversation from the queue. */
  ConversationPick: 'conversation.pick',
  /** Send public messages in a conversation assigned to you. */
  ConversationReply: 'conversation.reply',
  /** Write internal notes (never shown to the visitor). */
  ConversationNote: 'conversation.note',
  /** Transfer a conversation to another agent or back to the queue. */
  ConversationTransfer: 'conversation.transfer',
  /** End a conversation. */
  ConversationEnd: 'conversation.end',
  /** Assign, transfer or end conversations that are not yours. */
  ConversationManage: 'conversation.manage',
  /** See visitors, their pages, custom data and call history. */
  VisitorRead: 'visitor.read',
  /** Set your own presence. */
  PresenceSet: 'presence.set',
  /** List users and their presence and load. */
  UsersRead: 'users.read',
  /** Create, change and disable users. */
  UsersManage: 'users.manage',
  /** Create and change sites, departments and chat windows. */
  SitesManage: 'sites.manage',
  /** Change tenant settings (retention, default capacity). */
  TenantManage: 'tenant.manage',
  /** Enable and disable plugins (deployment-wide). */
  PluginsManage: 'plugins.manage',
  /** See the loaded plugins and their state. */
  PluginsRead: 'plugins.read',
  /** Read and change the tenant's plugin settings. */
  PluginsSettings: 'plugins.settings',
  /** Export and erase a visitor's personal data; run retention. */
  PrivacyManage: 'privacy.manage',
  /** Read the audit log. */
  AuditRead: 'audit.read',
  /** Create tenants (operators only). */
  TenantsCreate: 'tenants.create',
  /** A visitor chatting on a site: only their own conversations. */
  VisitorChat: 'visitor.chat',
} as const;

/** A core permission name. @public */
export type Permission = (typeof Permissions)[keyof typeof Permissions];
