/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Shell {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n    }\n  }\n": typeof types.ShellDocument,
    "\n  query SchoolEvents($from: String!, $to: String!) {\n    schoolEvents(from: $from, to: $to) {\n      id\n      title\n      description\n      category\n      startsAt\n      endsAt\n      location\n      audience {\n        uai\n        schoolName\n        kind\n        code\n      }\n      createdBy {\n        id\n        displayName\n      }\n      canceled\n      editable\n    }\n  }\n": typeof types.SchoolEventsDocument,
    "\n  mutation CancelSchoolEvent($id: ID!) {\n    cancelSchoolEvent(id: $id) {\n      id\n      canceled\n    }\n  }\n": typeof types.CancelSchoolEventDocument,
    "\n  query SchoolEventAuthor {\n    viewer {\n      profile\n      schools {\n        uai\n        name\n      }\n    }\n    # me, not viewer { person }: the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      ... on Teacher {\n        teachings {\n          class {\n            code\n            school {\n              uai\n            }\n          }\n          group {\n            code\n            school {\n              uai\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.SchoolEventAuthorDocument,
    "\n  mutation CreateSchoolEvent($input: SchoolEventInput!) {\n    createSchoolEvent(input: $input) {\n      id\n      title\n    }\n  }\n": typeof types.CreateSchoolEventDocument,
    "\n  query CalendarFeeds {\n    viewer {\n      profile\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n    }\n    myCalendarFeeds {\n      id\n      pupilId\n      createdAt\n    }\n  }\n": typeof types.CalendarFeedsDocument,
    "\n  mutation CreateCalendarFeed($pupilId: ID) {\n    createCalendarFeed(pupilId: $pupilId) {\n      id\n      url\n      pupilId\n      createdAt\n    }\n  }\n": typeof types.CreateCalendarFeedDocument,
    "\n  mutation RevokeCalendarFeed($id: ID!) {\n    revokeCalendarFeed(id: $id)\n  }\n": typeof types.RevokeCalendarFeedDocument,
    "\n  query GuardianHome($today: String!, $tomorrow: String!) {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        firstName\n        displayName\n        classes {\n          id\n          code\n          school {\n            uai\n            name\n          }\n        }\n        ...PupilDay\n        absences {\n          id\n          start\n          end\n          justified\n          settled\n          parentsShouldJustify\n          reasons\n        }\n        justifications {\n          id\n          absenceId\n          reason\n          state\n          submittedAt\n          updatedAt\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n": typeof types.GuardianHomeDocument,
    "\n  mutation JustifyAbsence($input: JustifyAbsenceInput!) {\n    justifyAbsence(input: $input) {\n      id\n      absenceId\n      reason\n      state\n      submittedAt\n      updatedAt\n    }\n  }\n": typeof types.JustifyAbsenceDocument,
    "\n  query ReplyTo($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      sender {\n        id\n        displayName\n      }\n    }\n  }\n": typeof types.ReplyToDocument,
    "\n  query SearchRecipients($search: String!) {\n    recipients(search: $search, first: 20) {\n      id\n      name\n      kind\n      profile\n    }\n  }\n": typeof types.SearchRecipientsDocument,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      id\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation SaveDraft($input: DraftInput!, $id: ID) {\n    saveDraft(input: $input, id: $id) {\n      id\n      updatedAt\n    }\n  }\n": typeof types.SaveDraftDocument,
    "\n  mutation SendDraft($id: ID!) {\n    sendDraft(id: $id) {\n      id\n    }\n  }\n": typeof types.SendDraftDocument,
    "\n  query OpenDraft($id: ID!) {\n    mailbox {\n      draft(id: $id) {\n        id\n        subject\n        bodyHtml\n        inReplyTo\n        requiresSignature\n        to {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n": typeof types.OpenDraftDocument,
    "\n  fragment MessageLine on MessageSummary {\n    id\n    subject\n    sender {\n      id\n      displayName\n    }\n    sentAt\n    readAt\n    requiresSignature\n    recalled\n  }\n": typeof types.MessageLineFragmentDoc,
    "\n  query MailboxFolder($folder: Folder!, $after: String) {\n    mailbox {\n      unreadCount\n      folder(name: $folder, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n": typeof types.MailboxFolderDocument,
    "\n  query OwnFolderPage($id: ID!, $after: String) {\n    mailbox {\n      ownFolder(id: $id, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n": typeof types.OwnFolderPageDocument,
    "\n  query OwnFolders {\n    mailbox {\n      folders {\n        id\n        name\n        unreadCount\n      }\n    }\n  }\n": typeof types.OwnFoldersDocument,
    "\n  mutation CreateFolder($name: String!) {\n    createMessageFolder(name: $name) {\n      id\n    }\n  }\n": typeof types.CreateFolderDocument,
    "\n  mutation RenameFolder($id: ID!, $name: String!) {\n    renameMessageFolder(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": typeof types.RenameFolderDocument,
    "\n  mutation DeleteFolder($id: ID!) {\n    deleteMessageFolder(id: $id)\n  }\n": typeof types.DeleteFolderDocument,
    "\n  query SearchMessages($text: String!) {\n    mailbox {\n      search(text: $text, first: 50) {\n        ...MessageLine\n      }\n    }\n  }\n": typeof types.SearchMessagesDocument,
    "\n  query OpenMessage($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      bodyHtml\n      sender {\n        id\n        displayName\n      }\n      sentAt\n      readAt\n      to {\n        id\n        displayName\n      }\n      lists {\n        id\n        name\n      }\n      recalled\n      trashed\n      ownMessage\n      receipts {\n        total\n        read\n        notYetRead {\n          id\n          displayName\n        }\n      }\n      liaison {\n        signed\n        asked\n        children {\n          child {\n            id\n            displayName\n          }\n          signatures {\n            guardian {\n              id\n              displayName\n            }\n            signedAt\n          }\n        }\n      }\n    }\n  }\n": typeof types.OpenMessageDocument,
    "\n  mutation RecallMessage($id: ID!) {\n    recallMessage(id: $id)\n  }\n": typeof types.RecallMessageDocument,
    "\n  mutation TrashMessage($id: ID!, $trashed: Boolean!) {\n    trashMessage(id: $id, trashed: $trashed)\n  }\n": typeof types.TrashMessageDocument,
    "\n  query MoveTargets {\n    mailbox {\n      folders {\n        id\n        name\n      }\n    }\n  }\n": typeof types.MoveTargetsDocument,
    "\n  mutation MoveMessage($id: ID!, $folderId: ID) {\n    moveMessage(id: $id, folderId: $folderId)\n  }\n": typeof types.MoveMessageDocument,
    "\n  mutation ReportMessage($id: ID!, $reason: String!) {\n    reportMessage(id: $id, reason: $reason)\n  }\n": typeof types.ReportMessageDocument,
    "\n  mutation SignLiaison($messageId: ID!, $childId: ID!) {\n    signLiaison(messageId: $messageId, childId: $childId)\n  }\n": typeof types.SignLiaisonDocument,
    "\n  query ReportedMessages {\n    reportedMessages(first: 50) {\n      id\n      reportedAt\n      reason\n      reporter {\n        id\n        displayName\n      }\n      messageId\n      author {\n        id\n        displayName\n        subject\n        bodyHtml\n        sentAt\n      }\n    }\n  }\n": typeof types.ReportedMessagesDocument,
    "\n  query MessagingViewer {\n    viewer {\n      profile\n    }\n  }\n": typeof types.MessagingViewerDocument,
    "\n  query NotificationList($after: String) {\n    viewer {\n      notifications(first: 20, after: $after) {\n        items {\n          id\n          category\n          title\n          body\n          link\n          child {\n            id\n            displayName\n          }\n          createdAt\n          readAt\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": typeof types.NotificationListDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]) {\n    markNotificationsRead(ids: $ids)\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  fragment NotificationSettingsFields on NotificationSettings {\n    preferences {\n      category\n      inApp\n      email\n      sms\n    }\n    quietFrom\n    quietTo\n    smsAvailable\n  }\n": typeof types.NotificationSettingsFieldsFragmentDoc,
    "\n  query NotificationSettings {\n    viewer {\n      notificationPreferences {\n        ...NotificationSettingsFields\n      }\n    }\n  }\n": typeof types.NotificationSettingsDocument,
    "\n  mutation SetNotificationPreferences($preferences: [NotificationPreferenceInput!]!) {\n    setNotificationPreferences(preferences: $preferences) {\n      ...NotificationSettingsFields\n    }\n  }\n": typeof types.SetNotificationPreferencesDocument,
    "\n  mutation SetQuietHours($from: String!, $to: String!) {\n    setQuietHours(from: $from, to: $to) {\n      ...NotificationSettingsFields\n    }\n  }\n": typeof types.SetQuietHoursDocument,
    "\n  query Privacy($personId: ID) {\n    viewer {\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n      sessions {\n        id\n        current\n        kind\n        identityProvider\n        createdAt\n        lastSeenAt\n        userAgent\n      }\n      accessLog(personId: $personId, first: 50) {\n        cursor\n        at\n        accessor {\n          id\n          displayName\n        }\n        accessorProfile\n        serviceClient\n        operationName\n        fields\n        outcome\n        count\n      }\n    }\n  }\n": typeof types.PrivacyDocument,
    "\n  mutation EndSession($id: ID!) {\n    endSession(id: $id)\n  }\n": typeof types.EndSessionDocument,
    "\n  mutation EndOtherSessions {\n    endOtherSessions\n  }\n": typeof types.EndOtherSessionsDocument,
    "\n  query PupilHome($today: String!, $tomorrow: String!) {\n    # me: the directory answers it in one fetch (viewer { person } would go through the identity subgraph first).\n    me {\n      id\n      displayName\n      ... on Student {\n        ...PupilDay\n        homeworkSubmissions {\n          id\n          homeworkId\n          fileName\n          state\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n": typeof types.PupilHomeDocument,
    "\n  mutation SetHomeworkDone($homeworkId: ID!, $done: Boolean!) {\n    setHomeworkDone(homeworkId: $homeworkId, done: $done)\n  }\n": typeof types.SetHomeworkDoneDocument,
    "\n  mutation SubmitHomework($homeworkId: ID!, $file: FileInput!) {\n    submitHomework(homeworkId: $homeworkId, file: $file) {\n      id\n      homeworkId\n      fileName\n      state\n    }\n  }\n": typeof types.SubmitHomeworkDocument,
    "\n  query ContactProblems {\n    viewer {\n      schools {\n        uai\n        name\n      }\n    }\n    contactProblems(first: 100) {\n      person {\n        id\n        displayName\n      }\n      uai\n      channel\n      problem\n      firstSeenAt\n      lastSeenAt\n      occurrences\n    }\n  }\n": typeof types.ContactProblemsDocument,
    "\n  query TeacherHome {\n    # me, not viewer { person }: through the identity subgraph's Person (an @interfaceObject)\n    # the router drops the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      displayName\n      ... on Teacher {\n        teachings {\n          subject {\n            code\n            label\n          }\n          class {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n          group {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.TeacherHomeDocument,
    "\n  query ClassRoster($classId: ID!) {\n    class(id: $classId) {\n      id\n      code\n      students {\n        id\n        displayName\n      }\n      lessonContents {\n        id\n        start\n        title\n        descriptionHtml\n        subject {\n          label\n        }\n      }\n    }\n  }\n": typeof types.ClassRosterDocument,
    "\n  query NavigationCounts {\n    mailbox {\n      unreadCount\n    }\n    viewer {\n      unreadNotifications\n    }\n  }\n": typeof types.NavigationCountsDocument,
    "\n  subscription LiveUpdates {\n    viewerUpdates {\n      changes\n    }\n  }\n": typeof types.LiveUpdatesDocument,
    "\n  fragment SchoolResourcesFields on SchoolResources {\n    school {\n      uai\n      name\n    }\n    resources {\n      id\n      name\n      publisher\n      accessUrl\n    }\n  }\n": typeof types.SchoolResourcesFieldsFragmentDoc,
    "\n  fragment PupilDay on Student {\n    timetable(from: $today, to: $tomorrow) {\n      id\n      start\n      end\n      canceled\n      status\n      rooms\n      subject {\n        label\n      }\n    }\n    grades {\n      id\n      value\n      kind\n      outOf\n      date\n      comment\n      subject {\n        label\n      }\n    }\n    averages {\n      overall\n      subjects {\n        average\n        subject {\n          label\n        }\n      }\n    }\n    homework {\n      id\n      dueOn\n      done\n      descriptionHtml\n      returnKind\n      submitted\n      subject {\n        label\n      }\n    }\n  }\n": typeof types.PupilDayFragmentDoc,
};
const documents: Documents = {
    "\n  query Shell {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n    }\n  }\n": types.ShellDocument,
    "\n  query SchoolEvents($from: String!, $to: String!) {\n    schoolEvents(from: $from, to: $to) {\n      id\n      title\n      description\n      category\n      startsAt\n      endsAt\n      location\n      audience {\n        uai\n        schoolName\n        kind\n        code\n      }\n      createdBy {\n        id\n        displayName\n      }\n      canceled\n      editable\n    }\n  }\n": types.SchoolEventsDocument,
    "\n  mutation CancelSchoolEvent($id: ID!) {\n    cancelSchoolEvent(id: $id) {\n      id\n      canceled\n    }\n  }\n": types.CancelSchoolEventDocument,
    "\n  query SchoolEventAuthor {\n    viewer {\n      profile\n      schools {\n        uai\n        name\n      }\n    }\n    # me, not viewer { person }: the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      ... on Teacher {\n        teachings {\n          class {\n            code\n            school {\n              uai\n            }\n          }\n          group {\n            code\n            school {\n              uai\n            }\n          }\n        }\n      }\n    }\n  }\n": types.SchoolEventAuthorDocument,
    "\n  mutation CreateSchoolEvent($input: SchoolEventInput!) {\n    createSchoolEvent(input: $input) {\n      id\n      title\n    }\n  }\n": types.CreateSchoolEventDocument,
    "\n  query CalendarFeeds {\n    viewer {\n      profile\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n    }\n    myCalendarFeeds {\n      id\n      pupilId\n      createdAt\n    }\n  }\n": types.CalendarFeedsDocument,
    "\n  mutation CreateCalendarFeed($pupilId: ID) {\n    createCalendarFeed(pupilId: $pupilId) {\n      id\n      url\n      pupilId\n      createdAt\n    }\n  }\n": types.CreateCalendarFeedDocument,
    "\n  mutation RevokeCalendarFeed($id: ID!) {\n    revokeCalendarFeed(id: $id)\n  }\n": types.RevokeCalendarFeedDocument,
    "\n  query GuardianHome($today: String!, $tomorrow: String!) {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        firstName\n        displayName\n        classes {\n          id\n          code\n          school {\n            uai\n            name\n          }\n        }\n        ...PupilDay\n        absences {\n          id\n          start\n          end\n          justified\n          settled\n          parentsShouldJustify\n          reasons\n        }\n        justifications {\n          id\n          absenceId\n          reason\n          state\n          submittedAt\n          updatedAt\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n": types.GuardianHomeDocument,
    "\n  mutation JustifyAbsence($input: JustifyAbsenceInput!) {\n    justifyAbsence(input: $input) {\n      id\n      absenceId\n      reason\n      state\n      submittedAt\n      updatedAt\n    }\n  }\n": types.JustifyAbsenceDocument,
    "\n  query ReplyTo($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      sender {\n        id\n        displayName\n      }\n    }\n  }\n": types.ReplyToDocument,
    "\n  query SearchRecipients($search: String!) {\n    recipients(search: $search, first: 20) {\n      id\n      name\n      kind\n      profile\n    }\n  }\n": types.SearchRecipientsDocument,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      id\n    }\n  }\n": types.SendMessageDocument,
    "\n  mutation SaveDraft($input: DraftInput!, $id: ID) {\n    saveDraft(input: $input, id: $id) {\n      id\n      updatedAt\n    }\n  }\n": types.SaveDraftDocument,
    "\n  mutation SendDraft($id: ID!) {\n    sendDraft(id: $id) {\n      id\n    }\n  }\n": types.SendDraftDocument,
    "\n  query OpenDraft($id: ID!) {\n    mailbox {\n      draft(id: $id) {\n        id\n        subject\n        bodyHtml\n        inReplyTo\n        requiresSignature\n        to {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n": types.OpenDraftDocument,
    "\n  fragment MessageLine on MessageSummary {\n    id\n    subject\n    sender {\n      id\n      displayName\n    }\n    sentAt\n    readAt\n    requiresSignature\n    recalled\n  }\n": types.MessageLineFragmentDoc,
    "\n  query MailboxFolder($folder: Folder!, $after: String) {\n    mailbox {\n      unreadCount\n      folder(name: $folder, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n": types.MailboxFolderDocument,
    "\n  query OwnFolderPage($id: ID!, $after: String) {\n    mailbox {\n      ownFolder(id: $id, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n": types.OwnFolderPageDocument,
    "\n  query OwnFolders {\n    mailbox {\n      folders {\n        id\n        name\n        unreadCount\n      }\n    }\n  }\n": types.OwnFoldersDocument,
    "\n  mutation CreateFolder($name: String!) {\n    createMessageFolder(name: $name) {\n      id\n    }\n  }\n": types.CreateFolderDocument,
    "\n  mutation RenameFolder($id: ID!, $name: String!) {\n    renameMessageFolder(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": types.RenameFolderDocument,
    "\n  mutation DeleteFolder($id: ID!) {\n    deleteMessageFolder(id: $id)\n  }\n": types.DeleteFolderDocument,
    "\n  query SearchMessages($text: String!) {\n    mailbox {\n      search(text: $text, first: 50) {\n        ...MessageLine\n      }\n    }\n  }\n": types.SearchMessagesDocument,
    "\n  query OpenMessage($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      bodyHtml\n      sender {\n        id\n        displayName\n      }\n      sentAt\n      readAt\n      to {\n        id\n        displayName\n      }\n      lists {\n        id\n        name\n      }\n      recalled\n      trashed\n      ownMessage\n      receipts {\n        total\n        read\n        notYetRead {\n          id\n          displayName\n        }\n      }\n      liaison {\n        signed\n        asked\n        children {\n          child {\n            id\n            displayName\n          }\n          signatures {\n            guardian {\n              id\n              displayName\n            }\n            signedAt\n          }\n        }\n      }\n    }\n  }\n": types.OpenMessageDocument,
    "\n  mutation RecallMessage($id: ID!) {\n    recallMessage(id: $id)\n  }\n": types.RecallMessageDocument,
    "\n  mutation TrashMessage($id: ID!, $trashed: Boolean!) {\n    trashMessage(id: $id, trashed: $trashed)\n  }\n": types.TrashMessageDocument,
    "\n  query MoveTargets {\n    mailbox {\n      folders {\n        id\n        name\n      }\n    }\n  }\n": types.MoveTargetsDocument,
    "\n  mutation MoveMessage($id: ID!, $folderId: ID) {\n    moveMessage(id: $id, folderId: $folderId)\n  }\n": types.MoveMessageDocument,
    "\n  mutation ReportMessage($id: ID!, $reason: String!) {\n    reportMessage(id: $id, reason: $reason)\n  }\n": types.ReportMessageDocument,
    "\n  mutation SignLiaison($messageId: ID!, $childId: ID!) {\n    signLiaison(messageId: $messageId, childId: $childId)\n  }\n": types.SignLiaisonDocument,
    "\n  query ReportedMessages {\n    reportedMessages(first: 50) {\n      id\n      reportedAt\n      reason\n      reporter {\n        id\n        displayName\n      }\n      messageId\n      author {\n        id\n        displayName\n        subject\n        bodyHtml\n        sentAt\n      }\n    }\n  }\n": types.ReportedMessagesDocument,
    "\n  query MessagingViewer {\n    viewer {\n      profile\n    }\n  }\n": types.MessagingViewerDocument,
    "\n  query NotificationList($after: String) {\n    viewer {\n      notifications(first: 20, after: $after) {\n        items {\n          id\n          category\n          title\n          body\n          link\n          child {\n            id\n            displayName\n          }\n          createdAt\n          readAt\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n": types.NotificationListDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]) {\n    markNotificationsRead(ids: $ids)\n  }\n": types.MarkNotificationsReadDocument,
    "\n  fragment NotificationSettingsFields on NotificationSettings {\n    preferences {\n      category\n      inApp\n      email\n      sms\n    }\n    quietFrom\n    quietTo\n    smsAvailable\n  }\n": types.NotificationSettingsFieldsFragmentDoc,
    "\n  query NotificationSettings {\n    viewer {\n      notificationPreferences {\n        ...NotificationSettingsFields\n      }\n    }\n  }\n": types.NotificationSettingsDocument,
    "\n  mutation SetNotificationPreferences($preferences: [NotificationPreferenceInput!]!) {\n    setNotificationPreferences(preferences: $preferences) {\n      ...NotificationSettingsFields\n    }\n  }\n": types.SetNotificationPreferencesDocument,
    "\n  mutation SetQuietHours($from: String!, $to: String!) {\n    setQuietHours(from: $from, to: $to) {\n      ...NotificationSettingsFields\n    }\n  }\n": types.SetQuietHoursDocument,
    "\n  query Privacy($personId: ID) {\n    viewer {\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n      sessions {\n        id\n        current\n        kind\n        identityProvider\n        createdAt\n        lastSeenAt\n        userAgent\n      }\n      accessLog(personId: $personId, first: 50) {\n        cursor\n        at\n        accessor {\n          id\n          displayName\n        }\n        accessorProfile\n        serviceClient\n        operationName\n        fields\n        outcome\n        count\n      }\n    }\n  }\n": types.PrivacyDocument,
    "\n  mutation EndSession($id: ID!) {\n    endSession(id: $id)\n  }\n": types.EndSessionDocument,
    "\n  mutation EndOtherSessions {\n    endOtherSessions\n  }\n": types.EndOtherSessionsDocument,
    "\n  query PupilHome($today: String!, $tomorrow: String!) {\n    # me: the directory answers it in one fetch (viewer { person } would go through the identity subgraph first).\n    me {\n      id\n      displayName\n      ... on Student {\n        ...PupilDay\n        homeworkSubmissions {\n          id\n          homeworkId\n          fileName\n          state\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n": types.PupilHomeDocument,
    "\n  mutation SetHomeworkDone($homeworkId: ID!, $done: Boolean!) {\n    setHomeworkDone(homeworkId: $homeworkId, done: $done)\n  }\n": types.SetHomeworkDoneDocument,
    "\n  mutation SubmitHomework($homeworkId: ID!, $file: FileInput!) {\n    submitHomework(homeworkId: $homeworkId, file: $file) {\n      id\n      homeworkId\n      fileName\n      state\n    }\n  }\n": types.SubmitHomeworkDocument,
    "\n  query ContactProblems {\n    viewer {\n      schools {\n        uai\n        name\n      }\n    }\n    contactProblems(first: 100) {\n      person {\n        id\n        displayName\n      }\n      uai\n      channel\n      problem\n      firstSeenAt\n      lastSeenAt\n      occurrences\n    }\n  }\n": types.ContactProblemsDocument,
    "\n  query TeacherHome {\n    # me, not viewer { person }: through the identity subgraph's Person (an @interfaceObject)\n    # the router drops the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      displayName\n      ... on Teacher {\n        teachings {\n          subject {\n            code\n            label\n          }\n          class {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n          group {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.TeacherHomeDocument,
    "\n  query ClassRoster($classId: ID!) {\n    class(id: $classId) {\n      id\n      code\n      students {\n        id\n        displayName\n      }\n      lessonContents {\n        id\n        start\n        title\n        descriptionHtml\n        subject {\n          label\n        }\n      }\n    }\n  }\n": types.ClassRosterDocument,
    "\n  query NavigationCounts {\n    mailbox {\n      unreadCount\n    }\n    viewer {\n      unreadNotifications\n    }\n  }\n": types.NavigationCountsDocument,
    "\n  subscription LiveUpdates {\n    viewerUpdates {\n      changes\n    }\n  }\n": types.LiveUpdatesDocument,
    "\n  fragment SchoolResourcesFields on SchoolResources {\n    school {\n      uai\n      name\n    }\n    resources {\n      id\n      name\n      publisher\n      accessUrl\n    }\n  }\n": types.SchoolResourcesFieldsFragmentDoc,
    "\n  fragment PupilDay on Student {\n    timetable(from: $today, to: $tomorrow) {\n      id\n      start\n      end\n      canceled\n      status\n      rooms\n      subject {\n        label\n      }\n    }\n    grades {\n      id\n      value\n      kind\n      outOf\n      date\n      comment\n      subject {\n        label\n      }\n    }\n    averages {\n      overall\n      subjects {\n        average\n        subject {\n          label\n        }\n      }\n    }\n    homework {\n      id\n      dueOn\n      done\n      descriptionHtml\n      returnKind\n      submitted\n      subject {\n        label\n      }\n    }\n  }\n": types.PupilDayFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Shell {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  query Shell {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchoolEvents($from: String!, $to: String!) {\n    schoolEvents(from: $from, to: $to) {\n      id\n      title\n      description\n      category\n      startsAt\n      endsAt\n      location\n      audience {\n        uai\n        schoolName\n        kind\n        code\n      }\n      createdBy {\n        id\n        displayName\n      }\n      canceled\n      editable\n    }\n  }\n"): (typeof documents)["\n  query SchoolEvents($from: String!, $to: String!) {\n    schoolEvents(from: $from, to: $to) {\n      id\n      title\n      description\n      category\n      startsAt\n      endsAt\n      location\n      audience {\n        uai\n        schoolName\n        kind\n        code\n      }\n      createdBy {\n        id\n        displayName\n      }\n      canceled\n      editable\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelSchoolEvent($id: ID!) {\n    cancelSchoolEvent(id: $id) {\n      id\n      canceled\n    }\n  }\n"): (typeof documents)["\n  mutation CancelSchoolEvent($id: ID!) {\n    cancelSchoolEvent(id: $id) {\n      id\n      canceled\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchoolEventAuthor {\n    viewer {\n      profile\n      schools {\n        uai\n        name\n      }\n    }\n    # me, not viewer { person }: the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      ... on Teacher {\n        teachings {\n          class {\n            code\n            school {\n              uai\n            }\n          }\n          group {\n            code\n            school {\n              uai\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SchoolEventAuthor {\n    viewer {\n      profile\n      schools {\n        uai\n        name\n      }\n    }\n    # me, not viewer { person }: the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      ... on Teacher {\n        teachings {\n          class {\n            code\n            school {\n              uai\n            }\n          }\n          group {\n            code\n            school {\n              uai\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSchoolEvent($input: SchoolEventInput!) {\n    createSchoolEvent(input: $input) {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  mutation CreateSchoolEvent($input: SchoolEventInput!) {\n    createSchoolEvent(input: $input) {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CalendarFeeds {\n    viewer {\n      profile\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n    }\n    myCalendarFeeds {\n      id\n      pupilId\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  query CalendarFeeds {\n    viewer {\n      profile\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n    }\n    myCalendarFeeds {\n      id\n      pupilId\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCalendarFeed($pupilId: ID) {\n    createCalendarFeed(pupilId: $pupilId) {\n      id\n      url\n      pupilId\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCalendarFeed($pupilId: ID) {\n    createCalendarFeed(pupilId: $pupilId) {\n      id\n      url\n      pupilId\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeCalendarFeed($id: ID!) {\n    revokeCalendarFeed(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeCalendarFeed($id: ID!) {\n    revokeCalendarFeed(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GuardianHome($today: String!, $tomorrow: String!) {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        firstName\n        displayName\n        classes {\n          id\n          code\n          school {\n            uai\n            name\n          }\n        }\n        ...PupilDay\n        absences {\n          id\n          start\n          end\n          justified\n          settled\n          parentsShouldJustify\n          reasons\n        }\n        justifications {\n          id\n          absenceId\n          reason\n          state\n          submittedAt\n          updatedAt\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query GuardianHome($today: String!, $tomorrow: String!) {\n    viewer {\n      profile\n      functions\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        firstName\n        displayName\n        classes {\n          id\n          code\n          school {\n            uai\n            name\n          }\n        }\n        ...PupilDay\n        absences {\n          id\n          start\n          end\n          justified\n          settled\n          parentsShouldJustify\n          reasons\n        }\n        justifications {\n          id\n          absenceId\n          reason\n          state\n          submittedAt\n          updatedAt\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JustifyAbsence($input: JustifyAbsenceInput!) {\n    justifyAbsence(input: $input) {\n      id\n      absenceId\n      reason\n      state\n      submittedAt\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation JustifyAbsence($input: JustifyAbsenceInput!) {\n    justifyAbsence(input: $input) {\n      id\n      absenceId\n      reason\n      state\n      submittedAt\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReplyTo($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      sender {\n        id\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReplyTo($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      sender {\n        id\n        displayName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchRecipients($search: String!) {\n    recipients(search: $search, first: 20) {\n      id\n      name\n      kind\n      profile\n    }\n  }\n"): (typeof documents)["\n  query SearchRecipients($search: String!) {\n    recipients(search: $search, first: 20) {\n      id\n      name\n      kind\n      profile\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SaveDraft($input: DraftInput!, $id: ID) {\n    saveDraft(input: $input, id: $id) {\n      id\n      updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation SaveDraft($input: DraftInput!, $id: ID) {\n    saveDraft(input: $input, id: $id) {\n      id\n      updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendDraft($id: ID!) {\n    sendDraft(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SendDraft($id: ID!) {\n    sendDraft(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenDraft($id: ID!) {\n    mailbox {\n      draft(id: $id) {\n        id\n        subject\n        bodyHtml\n        inReplyTo\n        requiresSignature\n        to {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OpenDraft($id: ID!) {\n    mailbox {\n      draft(id: $id) {\n        id\n        subject\n        bodyHtml\n        inReplyTo\n        requiresSignature\n        to {\n          id\n          name\n          kind\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageLine on MessageSummary {\n    id\n    subject\n    sender {\n      id\n      displayName\n    }\n    sentAt\n    readAt\n    requiresSignature\n    recalled\n  }\n"): (typeof documents)["\n  fragment MessageLine on MessageSummary {\n    id\n    subject\n    sender {\n      id\n      displayName\n    }\n    sentAt\n    readAt\n    requiresSignature\n    recalled\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MailboxFolder($folder: Folder!, $after: String) {\n    mailbox {\n      unreadCount\n      folder(name: $folder, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query MailboxFolder($folder: Folder!, $after: String) {\n    mailbox {\n      unreadCount\n      folder(name: $folder, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OwnFolderPage($id: ID!, $after: String) {\n    mailbox {\n      ownFolder(id: $id, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query OwnFolderPage($id: ID!, $after: String) {\n    mailbox {\n      ownFolder(id: $id, first: 20, after: $after) {\n        items {\n          ...MessageLine\n        }\n        nextCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OwnFolders {\n    mailbox {\n      folders {\n        id\n        name\n        unreadCount\n      }\n    }\n  }\n"): (typeof documents)["\n  query OwnFolders {\n    mailbox {\n      folders {\n        id\n        name\n        unreadCount\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateFolder($name: String!) {\n    createMessageFolder(name: $name) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateFolder($name: String!) {\n    createMessageFolder(name: $name) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameFolder($id: ID!, $name: String!) {\n    renameMessageFolder(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation RenameFolder($id: ID!, $name: String!) {\n    renameMessageFolder(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteFolder($id: ID!) {\n    deleteMessageFolder(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteFolder($id: ID!) {\n    deleteMessageFolder(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchMessages($text: String!) {\n    mailbox {\n      search(text: $text, first: 50) {\n        ...MessageLine\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchMessages($text: String!) {\n    mailbox {\n      search(text: $text, first: 50) {\n        ...MessageLine\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenMessage($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      bodyHtml\n      sender {\n        id\n        displayName\n      }\n      sentAt\n      readAt\n      to {\n        id\n        displayName\n      }\n      lists {\n        id\n        name\n      }\n      recalled\n      trashed\n      ownMessage\n      receipts {\n        total\n        read\n        notYetRead {\n          id\n          displayName\n        }\n      }\n      liaison {\n        signed\n        asked\n        children {\n          child {\n            id\n            displayName\n          }\n          signatures {\n            guardian {\n              id\n              displayName\n            }\n            signedAt\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OpenMessage($id: ID!) {\n    message(id: $id) {\n      id\n      subject\n      bodyHtml\n      sender {\n        id\n        displayName\n      }\n      sentAt\n      readAt\n      to {\n        id\n        displayName\n      }\n      lists {\n        id\n        name\n      }\n      recalled\n      trashed\n      ownMessage\n      receipts {\n        total\n        read\n        notYetRead {\n          id\n          displayName\n        }\n      }\n      liaison {\n        signed\n        asked\n        children {\n          child {\n            id\n            displayName\n          }\n          signatures {\n            guardian {\n              id\n              displayName\n            }\n            signedAt\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecallMessage($id: ID!) {\n    recallMessage(id: $id)\n  }\n"): (typeof documents)["\n  mutation RecallMessage($id: ID!) {\n    recallMessage(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TrashMessage($id: ID!, $trashed: Boolean!) {\n    trashMessage(id: $id, trashed: $trashed)\n  }\n"): (typeof documents)["\n  mutation TrashMessage($id: ID!, $trashed: Boolean!) {\n    trashMessage(id: $id, trashed: $trashed)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MoveTargets {\n    mailbox {\n      folders {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query MoveTargets {\n    mailbox {\n      folders {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveMessage($id: ID!, $folderId: ID) {\n    moveMessage(id: $id, folderId: $folderId)\n  }\n"): (typeof documents)["\n  mutation MoveMessage($id: ID!, $folderId: ID) {\n    moveMessage(id: $id, folderId: $folderId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportMessage($id: ID!, $reason: String!) {\n    reportMessage(id: $id, reason: $reason)\n  }\n"): (typeof documents)["\n  mutation ReportMessage($id: ID!, $reason: String!) {\n    reportMessage(id: $id, reason: $reason)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignLiaison($messageId: ID!, $childId: ID!) {\n    signLiaison(messageId: $messageId, childId: $childId)\n  }\n"): (typeof documents)["\n  mutation SignLiaison($messageId: ID!, $childId: ID!) {\n    signLiaison(messageId: $messageId, childId: $childId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReportedMessages {\n    reportedMessages(first: 50) {\n      id\n      reportedAt\n      reason\n      reporter {\n        id\n        displayName\n      }\n      messageId\n      author {\n        id\n        displayName\n        subject\n        bodyHtml\n        sentAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query ReportedMessages {\n    reportedMessages(first: 50) {\n      id\n      reportedAt\n      reason\n      reporter {\n        id\n        displayName\n      }\n      messageId\n      author {\n        id\n        displayName\n        subject\n        bodyHtml\n        sentAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MessagingViewer {\n    viewer {\n      profile\n    }\n  }\n"): (typeof documents)["\n  query MessagingViewer {\n    viewer {\n      profile\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationList($after: String) {\n    viewer {\n      notifications(first: 20, after: $after) {\n        items {\n          id\n          category\n          title\n          body\n          link\n          child {\n            id\n            displayName\n          }\n          createdAt\n          readAt\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"): (typeof documents)["\n  query NotificationList($after: String) {\n    viewer {\n      notifications(first: 20, after: $after) {\n        items {\n          id\n          category\n          title\n          body\n          link\n          child {\n            id\n            displayName\n          }\n          createdAt\n          readAt\n        }\n        endCursor\n        hasNextPage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]) {\n    markNotificationsRead(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]) {\n    markNotificationsRead(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NotificationSettingsFields on NotificationSettings {\n    preferences {\n      category\n      inApp\n      email\n      sms\n    }\n    quietFrom\n    quietTo\n    smsAvailable\n  }\n"): (typeof documents)["\n  fragment NotificationSettingsFields on NotificationSettings {\n    preferences {\n      category\n      inApp\n      email\n      sms\n    }\n    quietFrom\n    quietTo\n    smsAvailable\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationSettings {\n    viewer {\n      notificationPreferences {\n        ...NotificationSettingsFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query NotificationSettings {\n    viewer {\n      notificationPreferences {\n        ...NotificationSettingsFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetNotificationPreferences($preferences: [NotificationPreferenceInput!]!) {\n    setNotificationPreferences(preferences: $preferences) {\n      ...NotificationSettingsFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetNotificationPreferences($preferences: [NotificationPreferenceInput!]!) {\n    setNotificationPreferences(preferences: $preferences) {\n      ...NotificationSettingsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetQuietHours($from: String!, $to: String!) {\n    setQuietHours(from: $from, to: $to) {\n      ...NotificationSettingsFields\n    }\n  }\n"): (typeof documents)["\n  mutation SetQuietHours($from: String!, $to: String!) {\n    setQuietHours(from: $from, to: $to) {\n      ...NotificationSettingsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Privacy($personId: ID) {\n    viewer {\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n      sessions {\n        id\n        current\n        kind\n        identityProvider\n        createdAt\n        lastSeenAt\n        userAgent\n      }\n      accessLog(personId: $personId, first: 50) {\n        cursor\n        at\n        accessor {\n          id\n          displayName\n        }\n        accessorProfile\n        serviceClient\n        operationName\n        fields\n        outcome\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query Privacy($personId: ID) {\n    viewer {\n      person {\n        id\n        displayName\n      }\n      children {\n        id\n        displayName\n      }\n      sessions {\n        id\n        current\n        kind\n        identityProvider\n        createdAt\n        lastSeenAt\n        userAgent\n      }\n      accessLog(personId: $personId, first: 50) {\n        cursor\n        at\n        accessor {\n          id\n          displayName\n        }\n        accessorProfile\n        serviceClient\n        operationName\n        fields\n        outcome\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndSession($id: ID!) {\n    endSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation EndSession($id: ID!) {\n    endSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndOtherSessions {\n    endOtherSessions\n  }\n"): (typeof documents)["\n  mutation EndOtherSessions {\n    endOtherSessions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PupilHome($today: String!, $tomorrow: String!) {\n    # me: the directory answers it in one fetch (viewer { person } would go through the identity subgraph first).\n    me {\n      id\n      displayName\n      ... on Student {\n        ...PupilDay\n        homeworkSubmissions {\n          id\n          homeworkId\n          fileName\n          state\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query PupilHome($today: String!, $tomorrow: String!) {\n    # me: the directory answers it in one fetch (viewer { person } would go through the identity subgraph first).\n    me {\n      id\n      displayName\n      ... on Student {\n        ...PupilDay\n        homeworkSubmissions {\n          id\n          homeworkId\n          fileName\n          state\n        }\n        resources {\n          ...SchoolResourcesFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetHomeworkDone($homeworkId: ID!, $done: Boolean!) {\n    setHomeworkDone(homeworkId: $homeworkId, done: $done)\n  }\n"): (typeof documents)["\n  mutation SetHomeworkDone($homeworkId: ID!, $done: Boolean!) {\n    setHomeworkDone(homeworkId: $homeworkId, done: $done)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitHomework($homeworkId: ID!, $file: FileInput!) {\n    submitHomework(homeworkId: $homeworkId, file: $file) {\n      id\n      homeworkId\n      fileName\n      state\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitHomework($homeworkId: ID!, $file: FileInput!) {\n    submitHomework(homeworkId: $homeworkId, file: $file) {\n      id\n      homeworkId\n      fileName\n      state\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactProblems {\n    viewer {\n      schools {\n        uai\n        name\n      }\n    }\n    contactProblems(first: 100) {\n      person {\n        id\n        displayName\n      }\n      uai\n      channel\n      problem\n      firstSeenAt\n      lastSeenAt\n      occurrences\n    }\n  }\n"): (typeof documents)["\n  query ContactProblems {\n    viewer {\n      schools {\n        uai\n        name\n      }\n    }\n    contactProblems(first: 100) {\n      person {\n        id\n        displayName\n      }\n      uai\n      channel\n      problem\n      firstSeenAt\n      lastSeenAt\n      occurrences\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeacherHome {\n    # me, not viewer { person }: through the identity subgraph's Person (an @interfaceObject)\n    # the router drops the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      displayName\n      ... on Teacher {\n        teachings {\n          subject {\n            code\n            label\n          }\n          class {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n          group {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeacherHome {\n    # me, not viewer { person }: through the identity subgraph's Person (an @interfaceObject)\n    # the router drops the type condition's fields (docs/portal.md, known limits).\n    me {\n      id\n      displayName\n      ... on Teacher {\n        teachings {\n          subject {\n            code\n            label\n          }\n          class {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n          group {\n            id\n            code\n            school {\n              uai\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClassRoster($classId: ID!) {\n    class(id: $classId) {\n      id\n      code\n      students {\n        id\n        displayName\n      }\n      lessonContents {\n        id\n        start\n        title\n        descriptionHtml\n        subject {\n          label\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ClassRoster($classId: ID!) {\n    class(id: $classId) {\n      id\n      code\n      students {\n        id\n        displayName\n      }\n      lessonContents {\n        id\n        start\n        title\n        descriptionHtml\n        subject {\n          label\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NavigationCounts {\n    mailbox {\n      unreadCount\n    }\n    viewer {\n      unreadNotifications\n    }\n  }\n"): (typeof documents)["\n  query NavigationCounts {\n    mailbox {\n      unreadCount\n    }\n    viewer {\n      unreadNotifications\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveUpdates {\n    viewerUpdates {\n      changes\n    }\n  }\n"): (typeof documents)["\n  subscription LiveUpdates {\n    viewerUpdates {\n      changes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SchoolResourcesFields on SchoolResources {\n    school {\n      uai\n      name\n    }\n    resources {\n      id\n      name\n      publisher\n      accessUrl\n    }\n  }\n"): (typeof documents)["\n  fragment SchoolResourcesFields on SchoolResources {\n    school {\n      uai\n      name\n    }\n    resources {\n      id\n      name\n      publisher\n      accessUrl\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PupilDay on Student {\n    timetable(from: $today, to: $tomorrow) {\n      id\n      start\n      end\n      canceled\n      status\n      rooms\n      subject {\n        label\n      }\n    }\n    grades {\n      id\n      value\n      kind\n      outOf\n      date\n      comment\n      subject {\n        label\n      }\n    }\n    averages {\n      overall\n      subjects {\n        average\n        subject {\n          label\n        }\n      }\n    }\n    homework {\n      id\n      dueOn\n      done\n      descriptionHtml\n      returnKind\n      submitted\n      subject {\n        label\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment PupilDay on Student {\n    timetable(from: $today, to: $tomorrow) {\n      id\n      start\n      end\n      canceled\n      status\n      rooms\n      subject {\n        label\n      }\n    }\n    grades {\n      id\n      value\n      kind\n      outOf\n      date\n      comment\n      subject {\n        label\n      }\n    }\n    averages {\n      overall\n      subjects {\n        average\n        subject {\n          label\n        }\n      }\n    }\n    homework {\n      id\n      dueOn\n      done\n      descriptionHtml\n      returnKind\n      submitted\n      subject {\n        label\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;