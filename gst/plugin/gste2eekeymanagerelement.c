/* gst-e2ee
 * Copyright (C) 2026 The gst-e2ee authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */


/**
 * SECTION:element-e2eekeymanager
 * @title: e2eekeymanager
 * @see_also: e2eeenc, e2eedec, #GstE2eeKeyManager
 *
 * An element around one #GstE2eeKeyManager (the engine of the library that
 * keeps the olm sessions with every participant and their media keys), so
 * that a pipeline can hold its key manager: the e2eeenc and e2eedec of the
 * pipeline find it through a #GstContext of type `gst.e2ee.KeyManager`,
 * which the element provides when it goes to READY, and the engine's errors
 * (an impersonation, a failed verification, an unreadable state file)
 * arrive on the pipeline's bus as element errors.
 *
 * It has no pads and takes no part in the data flow: a pipeline with it
 * reaches EOS when its sinks do. Every property, signal and action of the
 * engine is the element's too, under the same name (see #GstE2eeKeyManager
 * for what they do); #GstE2eeKeyManagerElement:key-manager gives the engine
 * itself, or makes the element wrap an engine the application already has.
 *
 * Nothing happens when the element is made: the engine starts its thread
 * and makes its olm account when first used, so gst-inspect and plugin
 * scans cost nothing.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 e2eekeymanager local-id=bot state-file=bot.state \
 *     audiotestsrc num-buffers=100 ! opusenc ! e2eeenc ! fakesink
 * ]| e2eeenc gets its key from the manager (here no participant ever joins,
 * so it drops every frame, as it must without a key).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/e2ee/e2ee.h>

#include "gste2eekeymanagerelement.h"

GST_DEBUG_CATEGORY_STATIC (gst_e2ee_key_manager_element_debug);
#define GST_CAT_DEFAULT gst_e2ee_key_manager_element_debug

struct _GstE2eeKeyManagerElement
{
  GstElement parent;

  /* the engine; replaced only in NULL; OBJECT_LOCK */
  GstE2eeKeyManager *engine;
  /* our handlers on the engine; OBJECT_LOCK */
  GArray *handlers;
};

enum
{
  PROP_0,
  PROP_KEY_MANAGER,
  PROP_FIRST_FORWARDED,
};

/* the engine's properties and signals, made the element's at class init */
static GParamSpec **forwarded_props;
static guint n_forwarded_props;

typedef struct
{
  guint engine_signal;
  guint element_signal;
} ForwardedSignal;

static ForwardedSignal *forwarded_signals;
static guint n_forwarded_signals;

#define gst_e2ee_key_manager_element_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstE2eeKeyManagerElement,
    gst_e2ee_key_manager_element, GST_TYPE_ELEMENT,
    GST_DEBUG_CATEGORY_INIT (gst_e2ee_key_manager_element_debug,
        "e2eekeymanagerelement", 0, "e2eekeymanager element"));
GST_ELEMENT_REGISTER_DEFINE (e2eekeymanager, "e2eekeymanager", GST_RANK_NONE,
    GST_TYPE_E2EE_KEY_MANAGER_ELEMENT);


/* --- the engine's signals, raised again by the element --- */

/* Emits @signal on @instance with the arguments of another emission
 * (@param_values, whose first value is the other instance). */
static void
emit_on (gpointer instance, GType type, guint signal, GValue * return_value,
    guint n_param_values, const GValue * param_values)
{
  GValue *params = g_new0 (GValue, n_param_values);
  guint i;

  g_value_init (&params[0], type);
  g_value_set_object (&params[0], instance);
  for (i = 1; i < n_param_values; i++) {
    g_value_init (&params[i], G_VALUE_TYPE (&param_values[i]));
    g_value_copy (&param_values[i], &params[i]);
  }
  g_signal_emitv (params, signal, 0, return_value);
  for (i = 0; i < n_param_values; i++)
    g_value_unset (&params[i]);
  g_free (params);
}

/* Connected to the engine: the engine emits from its own thread, and the
 * element may be going away meanwhile, so the closure holds it weakly. */
typedef struct
{
  GClosure closure;
  GWeakRef element;
  /* the element's signal to emit, or 0 to post @message_type */
  guint signal;
  GstMessageType message_type;
} EngineClosure;

static void
engine_closure_finalize (gpointer data, GClosure * closure)
{
  g_weak_ref_clear (&((EngineClosure *) closure)->element);
}

static void
engine_closure_marshal (GClosure * closure, GValue * return_value,
    guint n_param_values, const GValue * param_values,
    gpointer invocation_hint, gpointer marshal_data)
{
  EngineClosure *ec = (EngineClosure *) closure;
  GstE2eeKeyManagerElement *self = g_weak_ref_get (&ec->element);

  if (!self)
    return;

  if (!ec->signal) {
    GError *err = g_value_get_boxed (&param_values[1]);
    const gchar *debug = g_value_get_string (&param_values[2]);
    GstMessage *msg;

    if (ec->message_type == GST_MESSAGE_ERROR)
      msg = gst_message_new_error (GST_OBJECT (self), err, debug);
    else
      msg = gst_message_new_warning (GST_OBJECT (self), err, debug);
    gst_element_post_message (GST_ELEMENT (self), msg);
    gst_object_unref (self);
    return;
  }

  emit_on (self, GST_TYPE_E2EE_KEY_MANAGER_ELEMENT, ec->signal, return_value,
      n_param_values, param_values);
  gst_object_unref (self);
}

static gulong
connect_engine (GstE2eeKeyManagerElement * self, GstE2eeKeyManager * engine,
    guint engine_signal, guint element_signal, GstMessageType message_type)
{
  GClosure *closure = g_closure_new_simple (sizeof (EngineClosure), NULL);
  EngineClosure *ec = (EngineClosure *) closure;

  g_weak_ref_init (&ec->element, self);
  ec->signal = element_signal;
  ec->message_type = message_type;
  g_closure_add_finalize_notifier (closure, NULL, engine_closure_finalize);
  g_closure_set_marshal (closure, engine_closure_marshal);
  return g_signal_connect_closure_by_id (engine, engine_signal, 0, closure,
      FALSE);
}

/* With the object lock. */
static void
attach_engine (GstE2eeKeyManagerElement * self, GstE2eeKeyManager * engine)
{
  gulong id;
  guint i;

  self->engine = engine;
  for (i = 0; i < n_forwarded_signals; i++) {
    id = connect_engine (self, engine, forwarded_signals[i].engine_signal,
        forwarded_signals[i].element_signal, 0);
    g_array_append_val (self->handlers, id);
  }
  id = connect_engine (self, engine, g_signal_lookup ("error",
          GST_TYPE_E2EE_KEY_MANAGER), 0, GST_MESSAGE_ERROR);
  g_array_append_val (self->handlers, id);
  id = connect_engine (self, engine, g_signal_lookup ("warning",
          GST_TYPE_E2EE_KEY_MANAGER), 0, GST_MESSAGE_WARNING);
  g_array_append_val (self->handlers, id);
}

/* With the object lock. Returns the engine, for the caller to unref once
 * the lock is released (its last unref joins its thread). */
static GstE2eeKeyManager *
detach_engine (GstE2eeKeyManagerElement * self)
{
  GstE2eeKeyManager *engine = self->engine;
  guint i;

  if (!engine)
    return NULL;
  for (i = 0; i < self->handlers->len; i++)
    g_signal_handler_disconnect (engine, g_array_index (self->handlers,
            gulong, i));
  g_array_set_size (self->handlers, 0);
  self->engine = NULL;
  return engine;
}

/* The engine, made on first use. */
static GstE2eeKeyManager *
get_engine (GstE2eeKeyManagerElement * self)
{
  GstE2eeKeyManager *engine;

  GST_OBJECT_LOCK (self);
  if (!self->engine)
    attach_engine (self, gst_object_ref_sink (gst_e2ee_key_manager_new (NULL)));
  engine = gst_object_ref (self->engine);
  GST_OBJECT_UNLOCK (self);
  return engine;
}

/* --- the element's actions, run by the engine --- */

static void
action_marshal (GClosure * closure, GValue * return_value,
    guint n_param_values, const GValue * param_values,
    gpointer invocation_hint, gpointer marshal_data)
{
  GstE2eeKeyManagerElement *self = g_value_get_object (&param_values[0]);
  GstE2eeKeyManager *engine = get_engine (self);

  emit_on (engine, GST_TYPE_E2EE_KEY_MANAGER, GPOINTER_TO_UINT (closure->data),
      return_value, n_param_values, param_values);
  gst_object_unref (engine);
}

/* --- GObject and GstElement --- */

static void
gst_e2ee_key_manager_element_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstE2eeKeyManagerElement *self = GST_E2EE_KEY_MANAGER_ELEMENT (object);
  GstE2eeKeyManager *engine;

  if (prop_id == PROP_KEY_MANAGER) {
    GstE2eeKeyManager *old = NULL, *new = g_value_get_object (value);

    GST_OBJECT_LOCK (self);
    if (GST_STATE (self) != GST_STATE_NULL
        || GST_STATE_PENDING (self) != GST_STATE_VOID_PENDING) {
      GST_OBJECT_UNLOCK (self);
      g_warning ("e2eekeymanager: key-manager can only be set in the NULL "
          "state");
      return;
    }
    old = detach_engine (self);
    if (new)
      attach_engine (self, gst_object_ref_sink (new));
    GST_OBJECT_UNLOCK (self);
    if (old)
      gst_object_unref (old);
    return;
  }
  if (prop_id - PROP_FIRST_FORWARDED >= n_forwarded_props) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  engine = get_engine (self);
  g_object_set_property (G_OBJECT (engine), pspec->name, value);
  gst_object_unref (engine);
}

static void
gst_e2ee_key_manager_element_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstE2eeKeyManagerElement *self = GST_E2EE_KEY_MANAGER_ELEMENT (object);
  GstE2eeKeyManager *engine;

  if (prop_id != PROP_KEY_MANAGER
      && prop_id - PROP_FIRST_FORWARDED >= n_forwarded_props) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  engine = get_engine (self);
  if (prop_id == PROP_KEY_MANAGER)
    g_value_set_object (value, engine);
  else
    g_object_get_property (G_OBJECT (engine), pspec->name, value);
  gst_object_unref (engine);
}

static GstStateChangeReturn
gst_e2ee_key_manager_element_change_state (GstElement * element,
    GstStateChange transition)
{
  GstE2eeKeyManagerElement *self = GST_E2EE_KEY_MANAGER_ELEMENT (element);

  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    /* tell the pipeline, so that the e2eeenc and e2eedec in it find the
     * engine */
    GstE2eeKeyManager *engine = get_engine (self);
    GstContext *context = gst_e2ee_key_manager_new_context (engine);

    gst_object_unref (engine);
    gst_element_post_message (element,
        gst_message_new_have_context (GST_OBJECT (element), context));
  }
  return GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
}

static void
gst_e2ee_key_manager_element_dispose (GObject * object)
{
  GstE2eeKeyManagerElement *self = GST_E2EE_KEY_MANAGER_ELEMENT (object);
  GstE2eeKeyManager *engine;

  GST_OBJECT_LOCK (self);
  engine = detach_engine (self);
  GST_OBJECT_UNLOCK (self);
  if (engine)
    gst_object_unref (engine);

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_e2ee_key_manager_element_finalize (GObject * object)
{
  GstE2eeKeyManagerElement *self = GST_E2EE_KEY_MANAGER_ELEMENT (object);

  g_array_unref (self->handlers);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* A copy of one of the engine's property specs, for the element. */
static GParamSpec *
copy_pspec (GParamSpec * p)
{
  const gchar *name = g_param_spec_get_name (p);
  const gchar *nick = g_param_spec_get_nick (p);
  const gchar *blurb = g_param_spec_get_blurb (p);
  GParamFlags flags = (p->flags & (G_PARAM_READWRITE)) | G_PARAM_STATIC_STRINGS;
  GType t = G_PARAM_SPEC_TYPE (p);

  /* every setting of the engine can change while the pipeline plays */
  if (flags & G_PARAM_WRITABLE)
    flags |= GST_PARAM_MUTABLE_PLAYING;

  if (t == G_TYPE_PARAM_STRING)
    return g_param_spec_string (name, nick, blurb,
        G_PARAM_SPEC_STRING (p)->default_value, flags);
  if (t == G_TYPE_PARAM_UINT) {
    GParamSpecUInt *u = G_PARAM_SPEC_UINT (p);

    return g_param_spec_uint (name, nick, blurb, u->minimum, u->maximum,
        u->default_value, flags);
  }
  if (t == G_TYPE_PARAM_BOOLEAN)
    return g_param_spec_boolean (name, nick, blurb,
        G_PARAM_SPEC_BOOLEAN (p)->default_value, flags);
  if (t == G_TYPE_PARAM_ENUM)
    return g_param_spec_enum (name, nick, blurb, p->value_type,
        G_PARAM_SPEC_ENUM (p)->default_value, flags);
  if (t == G_TYPE_PARAM_OBJECT)
    return g_param_spec_object (name, nick, blurb, p->value_type, flags);
  if (t == G_TYPE_PARAM_BOXED)
    return g_param_spec_boxed (name, nick, blurb, p->value_type, flags);
  g_critical ("e2eekeymanager: cannot forward the property %s (%s)", name,
      g_type_name (t));
  return NULL;
}

static void
forward_engine_properties (GObjectClass * gobject_class,
    GObjectClass * engine_class)
{
  GParamSpec **specs;
  guint n, i;

  specs = g_object_class_list_properties (engine_class, &n);
  forwarded_props = g_new0 (GParamSpec *, n);
  for (i = 0; i < n; i++) {
    GParamSpec *copy;

    if (specs[i]->owner_type != GST_TYPE_E2EE_KEY_MANAGER)
      continue;                 /* GstObject's name and parent */
    copy = copy_pspec (specs[i]);
    if (!copy)
      continue;
    forwarded_props[n_forwarded_props] = copy;
    g_object_class_install_property (gobject_class,
        PROP_FIRST_FORWARDED + n_forwarded_props, copy);
    n_forwarded_props++;
  }
  g_free (specs);
}

static void
forward_engine_signals (GType type)
{
  guint *ids, n, i;

  ids = g_signal_list_ids (GST_TYPE_E2EE_KEY_MANAGER, &n);
  forwarded_signals = g_new0 (ForwardedSignal, n);
  for (i = 0; i < n; i++) {
    GSignalQuery q;
    GClosure *class_closure = NULL;
    guint id;

    g_signal_query (ids[i], &q);
    /* posted on the bus instead */
    if (g_str_equal (q.signal_name, "error")
        || g_str_equal (q.signal_name, "warning"))
      continue;
    if (q.signal_flags & G_SIGNAL_ACTION) {
      class_closure = g_closure_new_simple (sizeof (GClosure),
          GUINT_TO_POINTER (ids[i]));
      g_closure_set_marshal (class_closure, action_marshal);
    }
    id = g_signal_newv (q.signal_name, type, q.signal_flags, class_closure,
        NULL, NULL, NULL, q.return_type, q.n_params, (GType *) q.param_types);
    if (!(q.signal_flags & G_SIGNAL_ACTION)) {
      forwarded_signals[n_forwarded_signals].engine_signal = ids[i];
      forwarded_signals[n_forwarded_signals].element_signal = id;
      n_forwarded_signals++;
    }
  }
  g_free (ids);
}

static void
gst_e2ee_key_manager_element_class_init (GstE2eeKeyManagerElementClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  /* kept for the life of the process, as the copies made from it */
  GObjectClass *engine_class = g_type_class_ref (GST_TYPE_E2EE_KEY_MANAGER);

  gobject_class->set_property = gst_e2ee_key_manager_element_set_property;
  gobject_class->get_property = gst_e2ee_key_manager_element_get_property;
  gobject_class->dispose = gst_e2ee_key_manager_element_dispose;
  gobject_class->finalize = gst_e2ee_key_manager_element_finalize;
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_e2ee_key_manager_element_change_state);

  /**
   * GstE2eeKeyManagerElement:key-manager:
   *
   * The engine this element wraps: a new #GstE2eeKeyManager unless one is
   * set (in the NULL state only), so that an application that made its own
   * engine can put it in a pipeline.
   */
  g_object_class_install_property (gobject_class, PROP_KEY_MANAGER,
      g_param_spec_object ("key-manager", "Key manager",
          "The key manager engine this element wraps",
          GST_TYPE_E2EE_KEY_MANAGER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  forward_engine_properties (gobject_class, engine_class);
  forward_engine_signals (G_TYPE_FROM_CLASS (klass));

  gst_element_class_set_static_metadata (element_class,
      "End-to-end encryption key manager", "Generic/E2EE",
      "Exchanges media keys with every participant over olm sessions "
      "(lib-jitsi-meet's protocol) on a webrtcbin data channel",
      "The gst-e2ee authors");

  gst_type_mark_as_plugin_api (GST_TYPE_E2EE_IDENTITY_CHANGE, 0);
}

static void
gst_e2ee_key_manager_element_init (GstE2eeKeyManagerElement * self)
{
  self->handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
}
