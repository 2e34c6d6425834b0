_tcppolicy() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="tcppolicy"
                ;;
            tcppolicy,apply)
                cmd="tcppolicy__subcmd__apply"
                ;;
            tcppolicy,catalog)
                cmd="tcppolicy__subcmd__catalog"
                ;;
            tcppolicy,check)
                cmd="tcppolicy__subcmd__check"
                ;;
            tcppolicy,completions)
                cmd="tcppolicy__subcmd__completions"
                ;;
            tcppolicy,diff)
                cmd="tcppolicy__subcmd__diff"
                ;;
            tcppolicy,drift)
                cmd="tcppolicy__subcmd__drift"
                ;;
            tcppolicy,emit)
                cmd="tcppolicy__subcmd__emit"
                ;;
            tcppolicy,explain)
                cmd="tcppolicy__subcmd__explain"
                ;;
            tcppolicy,help)
                cmd="tcppolicy__subcmd__help"
                ;;
            tcppolicy,import)
                cmd="tcppolicy__subcmd__import"
                ;;
            tcppolicy,man)
                cmd="tcppolicy__subcmd__man"
                ;;
            tcppolicy,plan)
                cmd="tcppolicy__subcmd__plan"
                ;;
            tcppolicy,recover)
                cmd="tcppolicy__subcmd__recover"
                ;;
            tcppolicy,schema)
                cmd="tcppolicy__subcmd__schema"
                ;;
            tcppolicy__subcmd__help,apply)
                cmd="tcppolicy__subcmd__help__subcmd__apply"
                ;;
            tcppolicy__subcmd__help,catalog)
                cmd="tcppolicy__subcmd__help__subcmd__catalog"
                ;;
            tcppolicy__subcmd__help,check)
                cmd="tcppolicy__subcmd__help__subcmd__check"
                ;;
            tcppolicy__subcmd__help,completions)
                cmd="tcppolicy__subcmd__help__subcmd__completions"
                ;;
            tcppolicy__subcmd__help,diff)
                cmd="tcppolicy__subcmd__help__subcmd__diff"
                ;;
            tcppolicy__subcmd__help,drift)
                cmd="tcppolicy__subcmd__help__subcmd__drift"
                ;;
            tcppolicy__subcmd__help,emit)
                cmd="tcppolicy__subcmd__help__subcmd__emit"
                ;;
            tcppolicy__subcmd__help,explain)
                cmd="tcppolicy__subcmd__help__subcmd__explain"
                ;;
            tcppolicy__subcmd__help,help)
                cmd="tcppolicy__subcmd__help__subcmd__help"
                ;;
            tcppolicy__subcmd__help,import)
                cmd="tcppolicy__subcmd__help__subcmd__import"
                ;;
            tcppolicy__subcmd__help,man)
                cmd="tcppolicy__subcmd__help__subcmd__man"
                ;;
            tcppolicy__subcmd__help,plan)
                cmd="tcppolicy__subcmd__help__subcmd__plan"
                ;;
            tcppolicy__subcmd__help,recover)
                cmd="tcppolicy__subcmd__help__subcmd__recover"
                ;;
            tcppolicy__subcmd__help,schema)
                cmd="tcppolicy__subcmd__help__subcmd__schema"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        tcppolicy)
            opts="-h -V --help --version check explain plan apply recover drift diff import emit schema catalog completions man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__apply)
            opts="-h --plan --target --root --force --netns --format --lock-file --lock-timeout --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --plan)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -W "live sysctl.d sysctl.d: ansible:" -- "${cur}"))
                    return 0
                    ;;
                --root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json" -- "${cur}"))
                    return 0
                    ;;
                --lock-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__catalog)
            opts="-h --format --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "table json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__check)
            opts="-h --format --deny --no-notes --policies-only --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --format)
                    COMPREPLY=($(compgen -W "human json github" -- "${cur}"))
                    return 0
                    ;;
                --deny)
                    COMPREPLY=($(compgen -W "warnings" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__completions)
            opts="-h --help bash elvish fish powershell zsh"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__diff)
            opts="-h --git --format --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --git)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json markdown" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__drift)
            opts="-h --layer --target --root --netns --textfile --format --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --layer)
                    COMPREPLY=($(compgen -W "live boot" -- "${cur}"))
                    return 0
                    ;;
                --target)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --textfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__emit)
            opts="-o -h --out --sysctl-file --k8s-version --kernel --kind --name --binary --policy-path --textfile-dir --interval --layer --reapply --help ansible sysctl.d k8s systemd"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sysctl-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --k8s-version)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kernel)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kind)
                    COMPREPLY=($(compgen -W "deployment statefulset daemonset pod" -- "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --binary)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --policy-path)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --textfile-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --layer)
                    COMPREPLY=($(compgen -W "live boot" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__explain)
            opts="-h --value --list --help net.core.default_qdisc default_qdisc net.core.netdev_max_backlog netdev_max_backlog net.core.optmem_max optmem_max net.core.rmem_default rmem_default net.core.rmem_max rmem_max net.core.somaxconn somaxconn net.core.wmem_default wmem_default net.core.wmem_max wmem_max net.ipv4.ip_local_port_range ip_local_port_range net.ipv4.ip_local_reserved_ports ip_local_reserved_ports net.ipv4.ip_unprivileged_port_start ip_unprivileged_port_start net.ipv4.tcp_abort_on_overflow tcp_abort_on_overflow net.ipv4.tcp_adv_win_scale tcp_adv_win_scale net.ipv4.tcp_allowed_congestion_control tcp_allowed_congestion_control net.ipv4.tcp_app_win tcp_app_win net.ipv4.tcp_autocorking tcp_autocorking net.ipv4.tcp_available_congestion_control tcp_available_congestion_control net.ipv4.tcp_available_ulp tcp_available_ulp net.ipv4.tcp_backlog_ack_defer tcp_backlog_ack_defer net.ipv4.tcp_base_mss tcp_base_mss net.ipv4.tcp_challenge_ack_limit tcp_challenge_ack_limit net.ipv4.tcp_child_ehash_entries tcp_child_ehash_entries net.ipv4.tcp_comp_sack_delay_ns tcp_comp_sack_delay_ns net.ipv4.tcp_comp_sack_nr tcp_comp_sack_nr net.ipv4.tcp_comp_sack_rtt_percent tcp_comp_sack_rtt_percent net.ipv4.tcp_comp_sack_slack_ns tcp_comp_sack_slack_ns net.ipv4.tcp_congestion_control tcp_congestion_control net.ipv4.tcp_dsack tcp_dsack net.ipv4.tcp_early_demux tcp_early_demux net.ipv4.tcp_early_retrans tcp_early_retrans net.ipv4.tcp_ecn tcp_ecn net.ipv4.tcp_ecn_fallback tcp_ecn_fallback net.ipv4.tcp_ecn_option tcp_ecn_option net.ipv4.tcp_ecn_option_beacon tcp_ecn_option_beacon net.ipv4.tcp_ehash_entries tcp_ehash_entries net.ipv4.tcp_fack tcp_fack net.ipv4.tcp_fastopen tcp_fastopen net.ipv4.tcp_fastopen_blackhole_timeout_sec tcp_fastopen_blackhole_timeout_sec net.ipv4.tcp_fastopen_key tcp_fastopen_key net.ipv4.tcp_fin_timeout tcp_fin_timeout net.ipv4.tcp_frto tcp_frto net.ipv4.tcp_fwmark_accept tcp_fwmark_accept net.ipv4.tcp_invalid_ratelimit tcp_invalid_ratelimit net.ipv4.tcp_keepalive_intvl tcp_keepalive_intvl net.ipv4.tcp_keepalive_probes tcp_keepalive_probes net.ipv4.tcp_keepalive_time tcp_keepalive_time net.ipv4.tcp_l3mdev_accept tcp_l3mdev_accept net.ipv4.tcp_limit_output_bytes tcp_limit_output_bytes net.ipv4.tcp_low_latency tcp_low_latency net.ipv4.tcp_max_orphans tcp_max_orphans net.ipv4.tcp_max_reordering tcp_max_reordering net.ipv4.tcp_max_syn_backlog tcp_max_syn_backlog net.ipv4.tcp_max_tw_buckets tcp_max_tw_buckets net.ipv4.tcp_mem tcp_mem net.ipv4.tcp_migrate_req tcp_migrate_req net.ipv4.tcp_min_rtt_wlen tcp_min_rtt_wlen net.ipv4.tcp_min_snd_mss tcp_min_snd_mss net.ipv4.tcp_min_tso_segs tcp_min_tso_segs net.ipv4.tcp_moderate_rcvbuf tcp_moderate_rcvbuf net.ipv4.tcp_mtu_probe_floor tcp_mtu_probe_floor net.ipv4.tcp_mtu_probing tcp_mtu_probing net.ipv4.tcp_no_metrics_save tcp_no_metrics_save net.ipv4.tcp_no_ssthresh_metrics_save tcp_no_ssthresh_metrics_save net.ipv4.tcp_notsent_lowat tcp_notsent_lowat net.ipv4.tcp_orphan_retries tcp_orphan_retries net.ipv4.tcp_pacing_ca_ratio tcp_pacing_ca_ratio net.ipv4.tcp_pacing_ss_ratio tcp_pacing_ss_ratio net.ipv4.tcp_pingpong_thresh tcp_pingpong_thresh net.ipv4.tcp_plb_cong_thresh tcp_plb_cong_thresh net.ipv4.tcp_plb_enabled tcp_plb_enabled net.ipv4.tcp_plb_idle_rehash_rounds tcp_plb_idle_rehash_rounds net.ipv4.tcp_plb_rehash_rounds tcp_plb_rehash_rounds net.ipv4.tcp_plb_suspend_rto_sec tcp_plb_suspend_rto_sec net.ipv4.tcp_probe_interval tcp_probe_interval net.ipv4.tcp_probe_threshold tcp_probe_threshold net.ipv4.tcp_rcvbuf_low_rtt tcp_rcvbuf_low_rtt net.ipv4.tcp_recovery tcp_recovery net.ipv4.tcp_reflect_tos tcp_reflect_tos net.ipv4.tcp_reordering tcp_reordering net.ipv4.tcp_retrans_collapse tcp_retrans_collapse net.ipv4.tcp_retries1 tcp_retries1 net.ipv4.tcp_retries2 tcp_retries2 net.ipv4.tcp_rfc1337 tcp_rfc1337 net.ipv4.tcp_rmem tcp_rmem net.ipv4.tcp_rto_max_ms tcp_rto_max_ms net.ipv4.tcp_rto_min_us tcp_rto_min_us net.ipv4.tcp_sack tcp_sack net.ipv4.tcp_shrink_window tcp_shrink_window net.ipv4.tcp_slow_start_after_idle tcp_slow_start_after_idle net.ipv4.tcp_stdurg tcp_stdurg net.ipv4.tcp_syn_linear_timeouts tcp_syn_linear_timeouts net.ipv4.tcp_syn_retries tcp_syn_retries net.ipv4.tcp_synack_retries tcp_synack_retries net.ipv4.tcp_syncookies tcp_syncookies net.ipv4.tcp_thin_linear_timeouts tcp_thin_linear_timeouts net.ipv4.tcp_timestamps tcp_timestamps net.ipv4.tcp_tso_rtt_log tcp_tso_rtt_log net.ipv4.tcp_tso_win_divisor tcp_tso_win_divisor net.ipv4.tcp_tw_reuse tcp_tw_reuse net.ipv4.tcp_tw_reuse_delay tcp_tw_reuse_delay net.ipv4.tcp_window_scaling tcp_window_scaling net.ipv4.tcp_wmem tcp_wmem net.ipv4.tcp_workaround_signed_windows tcp_workaround_signed_windows net.ipv4.tcp_abc tcp_abc net.ipv4.tcp_bic tcp_bic net.ipv4.tcp_bic_fast_convergence tcp_bic_fast_convergence net.ipv4.tcp_bic_low_window tcp_bic_low_window net.ipv4.tcp_cookie_size tcp_cookie_size net.ipv4.tcp_dma_copybreak tcp_dma_copybreak net.ipv4.tcp_frto_response tcp_frto_response net.ipv4.tcp_max_ssthresh tcp_max_ssthresh net.ipv4.tcp_rx_skb_cache tcp_rx_skb_cache net.ipv4.tcp_thin_dupack tcp_thin_dupack net.ipv4.tcp_tw_recycle tcp_tw_recycle net.ipv4.tcp_tx_skb_cache tcp_tx_skb_cache net.ipv4.tcp_vegas_cong_avoid tcp_vegas_cong_avoid net.ipv4.tcp_westwood tcp_westwood TP001 yaml-syntax TP002 duplicate-key TP003 anchor-or-alias TP004 merge-key TP005 nesting-too-deep TP006 file-too-large TP007 invalid-utf8 TP008 yaml-tag TP009 multiple-documents TP010 unreadable-file TP011 complex-key TP012 too-many-nodes TP100 schema-violation TP101 unknown-key TP102 missing-key TP103 wrong-type TP104 value-choice TP105 empty-rationale TP106 invalid-policy-name TP107 unsupported-format-version TP108 rationale-too-long TP201 extends-escape TP202 extends-not-found TP203 extends-cycle TP204 extends-too-deep TP301 unknown-parameter TP302 wrong-value-kind TP303 unit-not-allowed TP304 inexact-conversion TP305 malformed-number TP306 out-of-bounds TP307 out-of-domain TP308 tuple-order TP309 invalid-name TP310 invalid-port-list TP311 read-only-parameter TP312 bound-needs-integer TP313 no-fixed-default TP314 hz-dependent-bound TP315 invalid-text TP401 invalid-kernel-range TP402 parameter-not-in-range TP403 parameter-lifetime-in-range TP404 no-op-parameter TP405 not-namespaced TP406 not-seen-by-containers TP407 container-restates-default TP408 not-settable-in-pod TP409 pod-sysctl-order TP501 fack-without-sack TP502 dsack-without-sack TP503 tw-reuse-without-timestamps TP504 reordering-above-max TP505 window-scaling-disabled TP506 rto-min-not-below-max TP507 syncookies-disabled TP508 port-range-below-unprivileged TP509 port-range-inverted TP510 port-range-same-parity TP511 reserved-ports-outside-range TP512 reserved-ports-shrink-range TP513 base-mss-below-probe-floor TP514 rmem-below-stable-floor TP601 retries2-below-rfc1122 TP602 lowering-tw-buckets TP603 lowering-max-orphans TP604 fin-timeout-not-time-wait TP605 syn-backlog-with-syncookies TP606 tcp-mem-as-bytes TP607 equals-kernel-default TP608 keepalive-outside-sockopt-range TP610 fastopen-key-in-policy TP611 unknown-congestion-control TP701 connect-timeout TP702 keepalive-detection-time TP703 established-timeout TP801 unknown-allow-code TP802 allow-not-a-warning TP803 unused-allow"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --value)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help)
            opts="check explain plan apply recover drift diff import emit schema catalog completions man help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__apply)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__catalog)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__check)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__diff)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__drift)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__emit)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__explain)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__import)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__plan)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__recover)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__help__subcmd__schema)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__import)
            opts="-o -h --kernel --name --all --out --force --netns --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --kernel)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__man)
            opts="-h --out-dir --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --out-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__plan)
            opts="-h --target --root --force --netns --format --out --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --target)
                    COMPREPLY=($(compgen -W "live sysctl.d sysctl.d: ansible:" -- "${cur}"))
                    return 0
                    ;;
                --root)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json" -- "${cur}"))
                    return 0
                    ;;
                --out)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__recover)
            opts="-h --netns --format --lock-file --lock-timeout --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --netns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --format)
                    COMPREPLY=($(compgen -W "human json" -- "${cur}"))
                    return 0
                    ;;
                --lock-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lock-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tcppolicy__subcmd__schema)
            opts="-h --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _tcppolicy -o nosort -o bashdefault -o default tcppolicy
else
    complete -F _tcppolicy -o bashdefault -o default tcppolicy
fi
